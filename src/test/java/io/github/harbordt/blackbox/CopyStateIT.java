package io.github.harbordt.blackbox;

import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.LocalPostgres;
import io.github.harbordt.support.Registries;
import io.github.harbordt.support.UnversionedState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Moving to replicas, as the README's "Scaling out" tells a user: the H2 state of a release before versioned
 * migrations is copied into PostgreSQL with {@code CONNECTOR_MODE=copy-state}, and the connector goes on from there
 * (its watermark, its dead letters); a second copy into the same database is refused.
 */
class CopyStateIT {

    @RegisterExtension
    final LocalPostgres postgres = new LocalPostgres();

    @TempDir
    Path work;

    @Test
    void anUnversionedH2StateIsCopiedIntoPostgresAndTheConnectorGoesOnFromIt() throws Exception {
        Files.createDirectories(work.resolve("data"));
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + work.resolve("data/connector"), "", "")) {
            UnversionedState.write(c, "CLOB");
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CONNECTOR_MODE", "copy-state");
        env.put("STATE_JDBC_URL", postgres.url());
        env.put("STATE_USERNAME", postgres.user());
        try (PackagedJar copy = PackagedJar.start(work, env)) {
            assertThat(copy.exitStatus(Duration.ofSeconds(60))).as(copy.output()).isZero();
            assertThat(copy.output()).contains("connector_watermark  1 row(s)", "delivered_scan       1 row(s)",
                    "dead_letter          1 row(s)", "notification         1 row(s)");
        }

        // three days old: only the copied watermark (2026-11-01) reaches it; a first run looks back 24 hours
        SimulatedRegistry r = Registries.empty("v2.14.1-a1b2c3d4");
        r.project("library", false);
        r.push("library/web", Registries.digest(7), "IMAGE", List.of("1"),
                Registries.success(Instant.now().minus(Duration.ofDays(3)), Registries.vulns(2)));
        try (FakeHarbor harbor = new FakeHarbor(r); FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.COPY");
             PackagedJar once = PackagedJar.start(work, PackagedJar.connecting(harbor, dynatrace, "CONNECTOR_MODE", "once",
                     "STATE_JDBC_URL", postgres.url(), "STATE_USERNAME", postgres.user(), "MANAGEMENT_ENABLED", "false"))) {
            assertThat(once.exitStatus(Duration.ofSeconds(90))).as(once.output()).isZero();
            assertThat(dynatrace.events("VULNERABILITY_SCAN")).as("the copied watermark decides the window").hasSize(1);
        }

        env.put("CONNECTOR_MODE", "dead-letters");
        try (PackagedJar deadLetters = PackagedJar.start(work, env)) {
            assertThat(deadLetters.exitStatus(Duration.ofSeconds(60))).as(deadLetters.output()).isZero();
            assertThat(deadLetters.output()).as("the copied dead letter").contains("HTTP 400");
        }

        env.put("CONNECTOR_MODE", "copy-state");
        try (PackagedJar again = PackagedJar.start(work, env)) {
            assertThat(again.exitStatus(Duration.ofSeconds(60))).as(again.output()).isNotZero();
            assertThat(again.output()).contains("already holds", "copy-state only fills an empty one");
        }
    }
}
