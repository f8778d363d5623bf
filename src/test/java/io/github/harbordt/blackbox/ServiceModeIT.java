package io.github.harbordt.blackbox;

import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.harbor.HarborVersion;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.HarborWebhooks;
import io.github.harbordt.support.Registries;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Service mode as a user starts it from the README: the shipped defaults (health and metrics on their port 9876),
 * webhooks switched on with the two variables the README gives, and a drop-in route named {@code .yml}. A Harbor
 * webhook reaches the receiver on the webhook port (8090) and its scan reaches Dynatrace between two crawls; the
 * management port does not serve the receiver and exposes JVM series; SIGTERM stops the connector with status 0.
 */
class ServiceModeIT {

    private static final String SECRET = "a-long-random-webhook-secret";
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path work;

    @ParameterizedTest(name = "Harbor {0}")
    @ValueSource(strings = {"v2.5.6-a1b2c3d4", "v2.11.2-a1b2c3d4", "v2.15.2-a1b2c3d4"})
    void webhooksOnTheirPortMetricsDropInsAndACleanStop(String version) throws Exception {
        HarborVersion v = HarborVersion.parse(version).orElseThrow();
        SimulatedRegistry r = Registries.empty(version);
        r.project("team", false);
        r.push("team/backend/api", Registries.digest(1), "IMAGE", List.of("1.0"),
                Registries.success(Instant.now().minusSeconds(3600), Registries.vulns(3)));
        Files.createDirectories(work.resolve("routes"));
        Files.writeString(work.resolve("routes/heartbeat.yml"), """
                - route:
                    id: heartbeat
                    from:
                      uri: timer:heartbeat?repeatCount=1
                      steps:
                        - log: "drop-in heartbeat"
                """);
        try (FakeHarbor harbor = new FakeHarbor(r); FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.SERVICE");
             PackagedJar connector = PackagedJar.start(work, PackagedJar.connecting(harbor, dynatrace,
                     "WEBHOOK_ENABLED", "true", "HARBOR_WEBHOOK_SECRET", SECRET))) {
            connector.awaitLine("' cycle delivered", Duration.ofSeconds(60));
            connector.awaitLine("drop-in heartbeat", Duration.ofSeconds(10));
            assertThat(dynatrace.events("VULNERABILITY_SCAN")).hasSize(1);

            // scanned after the crawl: only the webhook can bring it before the next crawl in 10 minutes
            SimulatedRegistry.Artifact fresh = r.push("team/backend/api", Registries.digest(2), "IMAGE", List.of("1.1"),
                    Registries.success(Instant.now(), Registries.vulns(4)));
            HarborWebhooks webhooks = new HarborWebhooks("http://127.0.0.1:8090/harbor/webhook/default");
            HttpResponse<String> answer = webhooks.post(HarborWebhooks.scanAllEvent(v, fresh), "Bearer " + SECRET,
                    HarborWebhooks.formatOf(v));
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> dynatrace.events("VULNERABILITY_SCAN").size() == 2);
            assertThat(dynatrace.events("VULNERABILITY_SCAN")).anySatisfy(e -> {
                assertThat(e.path("container_image.digest").asText()).isEqualTo(fresh.digest());
                assertThat(e.path("container_image.repository").asText()).isEqualTo("team/backend/api");
            });
            assertThat(dynatrace.events("VULNERABILITY_FINDING")).hasSize(3 + 4);

            HttpResponse<String> onManagement = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:9876/harbor/webhook/default"))
                    .header("Authorization", "Bearer " + SECRET).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(HarborWebhooks.scanAllEvent(v, fresh))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(onManagement.statusCode()).as("the management port does not serve the receiver").isEqualTo(404);

            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:9876/observe/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("jvm_memory_used_bytes", "jvm_gc_", "jvm_threads_live_threads",
                    "process_cpu_usage", "harbor_connector_findings_funnel",
                    "harbor_connector_artifacts_skipped_total{harbor_instance=\"default\",reason=\"malformed\"}",
                    "harbor_connector_harbor_responses_total{harbor_instance=\"default\",status=\"200\"}",
                    "harbor_connector_dynatrace_responses_total{harbor_instance=\"default\",sink=\"security.events\",status=\"202\"}");

            assertThat(connector.terminate(Duration.ofSeconds(60))).as(connector.output()).isZero();
        }
    }
}
