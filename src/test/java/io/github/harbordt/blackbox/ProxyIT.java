package io.github.harbordt.blackbox;

import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.mapping.AuditStream;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.FakeProxy;
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
        SimulatedRegistry r = Registries.empty("v2.14.1-a1b2c3d4");
        r.project("library", false);
        r.push("library/app", Registries.digest(1), "IMAGE", List.of("1"),
                Registries.success(Instant.now().minusSeconds(60), Registries.vulns(3)));
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
}
