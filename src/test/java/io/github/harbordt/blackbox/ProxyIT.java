package io.github.harbordt.blackbox;

import io.fabric8.kubernetes.api.model.NamespaceListBuilder;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.runtime.Kubeconfigs;
import io.github.harbordt.runtime.Pods;
import io.github.harbordt.mapping.AuditStream;
import io.github.harbordt.support.FakeChannel;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.FakeProxy;
import io.github.harbordt.support.FakeTlsFront;
import io.github.harbordt.support.Registries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A corporate network, as the README's "Corporate networks" tells a user to set it up: with {@code HTTPS_PROXY},
 * {@code HTTP_PROXY} and {@code NO_PROXY} in the environment the packaged jar reaches Harbor and Dynatrace through the
 * proxy; a destination's own setting ({@code dynatrace.proxy = none}) takes it past the proxy.
 */
class ProxyIT {

    @TempDir
    Path work;

    @Test
    void harborAndDynatraceAreReachedThroughTheEnvironmentsProxyUnlessADestinationSaysNone() throws Exception {
        SimulatedRegistry r = Registries.oneScannedImage();
        r.audit(AuditStream.EXTS, "robot$ci", "pull", "artifact", "library/app", "pull artifact", true, Instant.now());
        try (FakeHarbor harbor = new FakeHarbor(r); FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.PROXY");
             FakeProxy proxy = new FakeProxy()) {
            String harborHost = "127.0.0.1:" + URI.create(harbor.url()).getPort();
            String dynatraceHost = "127.0.0.1:" + URI.create(dynatrace.url()).getPort();
            // NO_PROXY names other hosts: loopback, where the fakes are, goes through the proxy too
            Map<String, String> env = PackagedJar.connecting(harbor, dynatrace, "CONNECTOR_MODE", "once",
                    "MANAGEMENT_ENABLED", "false", "HTTPS_PROXY", proxy.url(), "HTTP_PROXY", proxy.url(),
                    "NO_PROXY", "internal.example.com");
            try (PackagedJar once = PackagedJar.start(work, env)) {
                assertThat(once.exitStatus(Duration.ofSeconds(90))).as(once.output()).isZero();
            }
            assertThat(dynatrace.events("VULNERABILITY_SCAN")).hasSize(1);
            assertThat(dynatrace.logRecords()).hasSize(1);
            assertThat(proxy.targets()).contains(harborHost, dynatraceHost);

            r.rescan(r.artifacts().get(0), Instant.now(), 2, () -> Registries.vulns(2));
            Files.createDirectories(work.resolve("config"));
            Files.writeString(work.resolve("config/application.properties"), "dynatrace.proxy = none\n");
            int before = proxy.targets().size();
            try (PackagedJar once = PackagedJar.start(work, env)) {
                assertThat(once.exitStatus(Duration.ofSeconds(90))).as(once.output()).isZero();
            }
            assertThat(dynatrace.events("VULNERABILITY_SCAN")).hasSize(2);
            List<String> second = proxy.targets().subList(before, proxy.targets().size());
            assertThat(second).as("Harbor still through the proxy, Dynatrace direct").contains(harborHost)
                    .doesNotContain(dynatraceHost);
        }
    }

    @TempDir
    Path keys;

    /**
     * The corporate network in full: a proxy that asks for a password (in the proxy URL, as the README says), the
     * cluster's API server and a notification channel behind it, the channel's certificate from a private authority
     * ({@code notifications.ca-file}). The password answers the proxy and appears nowhere in the output.
     */
    @Test
    void aProxyThatAsksForAPasswordCarriesHarborDynatraceKubernetesAndAChannelWithItsOwnCa() throws Exception {
        SimulatedRegistry r = Registries.empty("v2.14.1-a1b2c3d4");
        r.project("shop", false);
        SimulatedRegistry.Artifact payments = r.push("shop/payments", Registries.digest(1), "IMAGE", List.of("1.0"),
                Registries.success(Instant.now().minusSeconds(60),
                        List.of(Registries.vuln("CVE-2024-3094", "xz-utils", "5.6.0", "5.6.1", "Critical", 10.0))));
        KubernetesMockServer kubernetes = new KubernetesMockServer(true);
        kubernetes.init();
        try (FakeHarbor harbor = new FakeHarbor(r); FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.PROXY");
             FakeProxy proxy = new FakeProxy("svc@corp", "pr0xy/pass!"); FakeChannel channel = new FakeChannel("ok");
             FakeTlsFront channelTls = new FakeTlsFront(channel.url(""), keys)) {
            kubernetes.expect().get().withPath("/api/v1/namespaces")
                    .andReturn(200, new NamespaceListBuilder().withItems(Pods.namespace("prod-shop", Map.of())).build()).always();
            kubernetes.expect().get().withPath("/api/v1/pods?limit=500")
                    .andReturn(200, new PodListBuilder().withNewMetadata().endMetadata().withItems(
                            Pods.pod("prod-shop", "payments-1", "payments", Map.of(), "harbor.example.com/shop/payments:1.0",
                                    Pods.running("payments", "harbor.example.com/shop/payments:1.0",
                                            "harbor.example.com/shop/payments@" + payments.digest()))).build()).always();
            URI apiServer = URI.create(kubernetes.url("/"));
            Kubeconfigs.write(work.resolve("kubeconfig.yaml"), "https://" + apiServer.getHost() + ":" + apiServer.getPort());
            Files.createDirectories(work.resolve("config"));
            Files.writeString(work.resolve("config/application.properties"), """
                    runtime.prod.kubeconfig = kubeconfig.yaml
                    notifications.after-each-cycle = true
                    notifications.ca-file = %s
                    """.formatted(channelTls.caPem()));
            Map<String, String> env = PackagedJar.connecting(harbor, dynatrace, "CONNECTOR_MODE", "once",
                    "MANAGEMENT_ENABLED", "false", "HTTPS_PROXY", proxy.url(), "HTTP_PROXY", proxy.url(),
                    "NO_PROXY", "internal.example.com", "RUNTIME_CLUSTERS", "prod",
                    "NOTIFICATION_CHANNELS", "webhook", "NOTIFICATION_WEBHOOK_URL", channelTls.url() + "/hook");
            try (PackagedJar once = PackagedJar.start(work, env)) {
                int status = once.exitStatus(Duration.ofSeconds(90));
                assertThat(status).as(once.output()).isZero();
                assertThat(once.lines("Runtime inventory: clusters=1")).as(once.output()).first().asString()
                        .contains("unlisted=[]").contains("pods=1");
                assertThat(once.output()).doesNotContain("pr0xy");
            }
            assertThat(dynatrace.events("VULNERABILITY_FINDING")).singleElement()
                    .satisfies(f -> assertThat(f.path("runtime.status").asText()).isEqualTo("RUNNING"));
            assertThat(channel.accepted()).singleElement().satisfies(n -> assertThat(n.body()).contains("CVE-2024-3094"));
            assertThat(proxy.targets()).contains(hostPort(harbor.url()), hostPort(dynatrace.url()),
                    hostPort(kubernetes.url("/")), hostPort(channelTls.url()));
            assertThat(proxy.challenges()).as("the proxy asked for the password at least once").isPositive();
        } finally {
            kubernetes.destroy();
        }
    }

    private static String hostPort(String url) {
        URI uri = URI.create(url);
        return uri.getHost() + ":" + uri.getPort();
    }
}
