package io.github.harbordt.kamelet;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.harbordt.demo.DemoRegistry;
import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.mapping.AuditStream;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.Peers;
import io.github.harbordt.support.Registries;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.github.harbordt.support.Registries.digest;
import static io.github.harbordt.support.Registries.success;
import static io.github.harbordt.support.Registries.vuln;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The library's Kamelets in a plain Camel Main that has nothing of the connector but the library on its classpath: a
 * YAML route from {@code kamelet:harbor-scan-source} to {@code kamelet:dynatrace-security-event-sink}, another from
 * the audit-log source to the log sink, against the fake Harbor and the fake Dynatrace.
 */
@Timeout(120)
class KameletsTest {

    @RegisterExtension
    final Peers peers = new Peers();

    @TempDir
    Path dir;
    private final Main main = new Main();
    private final Instant now = Instant.now();

    @AfterEach
    void stop() {
        main.stop();
    }

    private void run(String harborUrl, FakeDynatrace dynatrace) throws Exception {
        String harbor = "harborUrl: \"" + harborUrl + "\"\n          username: \"" + DemoRegistry.ROBOT
                + "\"\n          password: \"" + DemoRegistry.SECRET + "\"\n          period: 300\n";
        String sink = "dynatraceUrl: \"" + dynatrace.url() + "\"\n                token: \"" + dynatrace.token()
                + "\"\n                batchSize: 50\n                batchTimeout: 200\n";
        // what a Camel user writes: the Kamelets' retries come from the error handler of the route using them
        Path routes = Files.writeString(dir.resolve("harbor.camel.yaml"), """
                - errorHandler:
                    defaultErrorHandler:
                      redeliveryPolicy:
                        maximumRedeliveries: 5
                        redeliveryDelay: 100
                - route:
                    id: harbor-scans
                    from:
                      uri: kamelet:harbor-scan-source
                      parameters:
                          %s
                      steps:
                        - to:
                            uri: kamelet:dynatrace-security-event-sink
                            parameters:
                                %s
                - route:
                    id: harbor-audit
                    from:
                      uri: kamelet:harbor-audit-log-source
                      parameters:
                          %s
                      steps:
                        - to:
                            uri: kamelet:dynatrace-log-sink
                            parameters:
                                %s
                """.formatted(harbor, sink, harbor, sink));
        // nothing of the connector's own configuration: the library jar does not ship it
        main.setDefaultPropertyPlaceholderLocation("false");
        main.configure().withRoutesIncludePattern("file:" + routes);
        main.start();
    }

    @Test
    void scanEventsAndAuditRecordsArriveThroughTheKamelets() throws Exception {
        SimulatedRegistry r = Registries.empty("v2.11.2-ab12cd34");
        r.project("library", true);
        r.push("library/nginx", digest(1), "IMAGE", List.of("1.25"), success(now.minusSeconds(60), List.of(
                vuln("CVE-2023-44487", "libnghttp2-14", "1.52.0-1", "1.52.0-1+deb12u1", "High", 7.5),
                vuln("CVE-2024-0001", "openssl", "3.0.1", null, "Critical", 9.8))));
        SimulatedRegistry.Artifact app = r.push("library/team/app", digest(2), "IMAGE", List.of(),
                success(now.minusSeconds(30), List.of(vuln("CVE-2024-0002", "zlib", "1.2", "1.3", "Low", 3.1))));
        r.audit(AuditStream.LEGACY, "admin", "create", "project", "library", null, true, now.minusSeconds(10));
        r.audit(AuditStream.LEGACY, "robot$ci", "push", "artifact", "library/nginx:1.25", null, true, now.minusSeconds(5));
        var harbor = peers.harbor(r);
        FakeDynatrace dynatrace = peers.dynatrace();
        // the first batch meets a Dynatrace that is briefly overloaded, longer than the HTTP client alone retries
        dynatrace.respond(503, 3, null, "{}");

        run(harbor.url(), dynatrace);

        await().atMost(Duration.ofSeconds(60)).until(() -> dynatrace.events().size() >= 5 && dynatrace.logRecords().size() >= 2);
        assertThat(dynatrace.events("VULNERABILITY_SCAN")).hasSize(2);
        JsonNode critical = dynatrace.events("VULNERABILITY_FINDING").stream()
                .filter(e -> e.path("vulnerability.id").asText().equals("CVE-2024-0001")).findFirst().orElseThrow();
        assertThat(critical.path("event.provider").asText()).isEqualTo("Harbor");
        assertThat(critical.path("object.type").asText()).isEqualTo("CONTAINER_IMAGE");
        assertThat(critical.path("container_image.repository").asText()).isEqualTo("library/nginx");
        assertThat(critical.path("dt.security.risk.level").asText()).isEqualTo("CRITICAL");
        assertThat(dynatrace.logRecords()).extracting(l -> l.path("log.source").asText()).containsOnly("Harbor");
        assertThat(dynatrace.logRecords()).extracting(l -> l.path("audit.identity").asText()).containsExactly("admin", "robot$ci");

        // a rescan is news on a later poll; what was sent is not sent again
        r.rescan(app, now, 1, () -> List.of(vuln("CVE-2024-0003", "curl", "8.0", "8.1", "High", 7.0)));
        r.audit(AuditStream.LEGACY, "admin", "delete", "artifact", "library/nginx:old", null, true, now);
        await().atMost(Duration.ofSeconds(60)).until(() -> dynatrace.events().size() >= 7 && dynatrace.logRecords().size() >= 3);
        assertThat(dynatrace.events("VULNERABILITY_SCAN")).hasSize(3);
        assertThat(dynatrace.events("VULNERABILITY_FINDING")).extracting(e -> e.path("vulnerability.id").asText())
                .containsExactlyInAnyOrder("CVE-2023-44487", "CVE-2024-0001", "CVE-2024-0002", "CVE-2024-0003");
        assertThat(dynatrace.logRecords()).hasSize(3);
    }
}
