package io.github.harbordt.blackbox;

import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.LocalPostgres;
import io.github.harbordt.support.Registries;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The management port's health, as a platform's probes and an operator see it, through every transition: readiness
 * goes DOWN while Harbor cannot be reached and UP again once it answers, DOWN while the state database cannot be
 * written and UP once it can, DOWN for good when Dynatrace refuses the token; liveness goes DOWN only while a cycle
 * runs longer than {@code health.cycle-stuck-after}.
 */
class HealthIT {

    private static final URI READY = URI.create("http://127.0.0.1:9876/observe/health/ready");
    private static final URI LIVE = URI.create("http://127.0.0.1:9876/observe/health/live");
    private static final URI DETAILS = URI.create("http://127.0.0.1:9876/observe/health/ready?exposureLevel=full&data=true");
    private final HttpClient http = HttpClient.newHttpClient();

    @RegisterExtension
    final LocalPostgres postgres = new LocalPostgres();

    @TempDir
    Path work;

    @Test
    void readinessAndLivenessFollowHarborTheStateDatabaseDynatraceAndStuckCycles() throws Exception {
        SimulatedRegistry r = Registries.oneScannedImage();
        Files.createDirectories(work.resolve("config"));
        Files.writeString(work.resolve("config/application.properties"), """
                harbor.interval = 2s
                harbor.retries = 0
                health.cycle-stuck-after = 3s
                """);
        try (FakeHarbor harbor = new FakeHarbor(r); FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.HEALTH");
             PackagedJar connector = PackagedJar.start(work, PackagedJar.connecting(harbor, dynatrace,
                     "STATE_JDBC_URL", postgres.url(), "STATE_USERNAME", postgres.user()))) {
            connector.awaitLine("' cycle delivered", Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(20)).until(() -> status(READY) == 200);
            assertThat(get(DETAILS).body()).contains("\"default.scans.result\":\"DELIVERED\"", "\"default.watermark\":\"20",
                    "\"default.pending_artifacts\":0", "\"default.dead_lettered_records\":0");
            assertThat(status(LIVE)).isEqualTo(200);

            // Harbor gone: the next cycle cannot reach it
            harbor.fail("/systeminfo", 1000, 503, Duration.ZERO, null);
            await().atMost(Duration.ofSeconds(30)).until(() -> status(READY) == 503);
            assertThat(get(READY).body()).contains("harbor-dynatrace");
            assertThat(get(DETAILS).body()).contains("Harbor 'default' cycle failed");
            assertThat(status(LIVE)).as("Harbor being down is no reason to restart the connector").isEqualTo(200);
            harbor.clearFaults();
            await().atMost(Duration.ofSeconds(30)).until(() -> status(READY) == 200);

            // the state database cannot be written
            try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE connector_watermark RENAME TO connector_watermark_away");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> status(READY) == 503);
            assertThat(get(DETAILS).body()).contains("could not write to it");
            try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE connector_watermark_away RENAME TO connector_watermark");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> status(READY) == 200);

            // a cycle far beyond its time: liveness says restart
            harbor.slow("/systeminfo", Duration.ofSeconds(6));
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> status(LIVE) == 503);
            } catch (ConditionTimeoutException e) {
                throw new AssertionError(get(URI.create(LIVE + "?exposureLevel=full&data=true")).body(), e);
            }
            assertThat(get(LIVE).body()).contains("harbor-dynatrace-cycles");
            harbor.slow("/systeminfo", Duration.ZERO);
            await().atMost(Duration.ofSeconds(30)).until(() -> status(LIVE) == 200);

            // Dynatrace refuses the token: halted until a restart
            dynatrace.respond(401, 1000, null, "{\"error\":{\"code\":401,\"message\":\"Token Authentication failed\"}}");
            r.rescan(r.artifacts().get(0), Instant.now(), 2, () -> Registries.vulns(2));
            await().atMost(Duration.ofSeconds(30)).until(() -> status(READY) == 503);
            assertThat(get(DETAILS).body()).contains("halted");
            assertThat(status(LIVE)).isEqualTo(200);
        }
    }

    private int status(URI uri) {
        return get(uri).statusCode();
    }

    private HttpResponse<String> get(URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(uri + ": " + e, e);
        }
    }
}
