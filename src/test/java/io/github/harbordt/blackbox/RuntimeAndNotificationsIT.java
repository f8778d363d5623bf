package io.github.harbordt.blackbox;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesListBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.runtime.Pods;
import io.github.harbordt.support.FakeChannel;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.Registries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runtime context from a pods file and notifications, run as a user of Dynatrace's own Harbor extension would: the
 * token carries only {@code openpipeline.events_security}. Events still arrive with where each image runs, the pods
 * file yields pods (the jar must keep fabric8's resource registrations), the missing metrics scope gives one warning,
 * and the new critical vulnerability in production is notified once.
 */
class RuntimeAndNotificationsIT {

    @TempDir
    Path work;

    @Test
    void podsFileRuntimeContextAndNotificationsWithAnEventsOnlyToken() throws Exception {
        SimulatedRegistry r = Registries.empty("v2.13.2-a1b2c3d4");
        r.project("shop", false);
        Instant now = Instant.now();
        SimulatedRegistry.Artifact payments = r.push("shop/payments", Registries.digest(1), "IMAGE", List.of("1.0"),
                Registries.success(now.minusSeconds(600), List.of(
                        Registries.vuln("CVE-2024-3094", "xz-utils", "5.6.0", "5.6.1", "Critical", 10.0),
                        Registries.vuln("CVE-2023-0001", "zlib", "1.2", null, "Low", 3.1))));
        r.push("shop/cart", Registries.digest(2), "IMAGE", List.of("2.0"),
                Registries.success(now.minusSeconds(600), List.of(
                        Registries.vuln("CVE-2024-9999", "openssl", "3.0.1", "3.0.2", "Critical", 9.8))));
        List<HasMetadata> items = List.of(
                Pods.namespace("prod-shop", Map.of()),
                Pods.namespace("staging-shop", Map.of()),
                Pods.pod("prod-shop", "payments-1", "payments", Map.of(), "harbor.example.com/shop/payments:1.0",
                        Pods.running("payments", "harbor.example.com/shop/payments:1.0",
                                "harbor.example.com/shop/payments@" + payments.digest())),
                Pods.pod("staging-shop", "cart-1", "cart", Map.of(), "harbor.example.com/shop/cart:2.0",
                        Pods.running("cart", "harbor.example.com/shop/cart:2.0",
                                "harbor.example.com/shop/cart@" + Registries.digest(2))));
        Files.writeString(work.resolve("pods.json"), Serialization.asJson(new KubernetesListBuilder().withItems(items).build()));
        Files.createDirectories(work.resolve("config"));
        // the documented keys without an environment variable go into config/application.properties, as the README says;
        // after-each-cycle: the default decision runs daily at 08:00, which a test cannot wait for
        Files.writeString(work.resolve("config/application.properties"), """
                runtime.prod.pods-file = pods.json
                notifications.after-each-cycle = true
                """);
        try (FakeHarbor harbor = new FakeHarbor(r); FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.EVENTSONLY");
             FakeChannel channel = new FakeChannel("ok")) {
            dynatrace.scopes("openpipeline.events_security");
            String output;
            try (PackagedJar connector = PackagedJar.start(work, PackagedJar.connecting(harbor, dynatrace,
                    "CONNECTOR_MODE", "once", "RUNTIME_CLUSTERS", "prod", "NOTIFICATION_CHANNELS", "webhook",
                    "NOTIFICATION_WEBHOOK_URL", channel.url("/hook")))) {
                int status = connector.exitStatus(Duration.ofSeconds(90));
                assertThat(connector.lines("Runtime inventory: clusters=1")).first().asString()
                        .contains("unlisted=[]").contains("pods=2").contains("running_containers=2");
                // all, critical, critical running, critical in production, new in production; nothing resolved yet
                assertThat(connector.lines("' cycle delivered")).singleElement().asString()
                        .contains("funnel=3>2>2>1>1 resolved_groups=0");
                assertThat(connector.lines("metrics.ingest")).as("one warning naming the missing scope").hasSize(1);
                output = connector.output();
                assertThat(status).as(output).isZero();
            }
            assertThat(dynatrace.events("VULNERABILITY_FINDING")).hasSize(3).allSatisfy(f ->
                    assertThat(f.path("runtime.status").asText()).isEqualTo("RUNNING"));
            assertThat(dynatrace.events("VULNERABILITY_SCAN")).anySatisfy(s -> {
                assertThat(s.path("container_image.repository").asText()).isEqualTo("shop/payments");
                assertThat(s.path("deployment.release_stage").toString()).contains("production");
            });
            assertThat(channel.accepted()).as("one notification: the critical finding running in production\n" + output)
                    .singleElement().satisfies(n -> assertThat(n.body()).contains("CVE-2024-3094").doesNotContain("CVE-2024-9999"));

            // xz fixed: the rescan of the image in production no longer reports it, so its group is resolved
            r.rescan(payments, Instant.now(), 1, () -> List.of(Registries.vuln("CVE-2023-0001", "zlib", "1.2", null, "Low", 3.1)));
            try (PackagedJar connector = PackagedJar.start(work, PackagedJar.connecting(harbor, dynatrace,
                    "CONNECTOR_MODE", "once", "RUNTIME_CLUSTERS", "prod", "NOTIFICATION_CHANNELS", "webhook",
                    "NOTIFICATION_WEBHOOK_URL", channel.url("/hook")))) {
                int status = connector.exitStatus(Duration.ofSeconds(90));
                assertThat(connector.lines("' cycle delivered")).singleElement().asString()
                        .contains("scans_new=1").contains("funnel=1>0>0>0>0 resolved_groups=1");
                assertThat(status).as(connector.output()).isZero();
            }
            assertThat(channel.accepted()).as("nothing more to announce").hasSize(1);
        }
    }
}
