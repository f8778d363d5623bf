package io.github.harbordt.blackbox;

import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.Registries;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
 * Every row of the README's exit-status table, from the packaged jar in run-once mode (0 and 2 are shown by
 * HarborVersionsIT and UnreadableArtifactIT, a clean stop of service mode by ServiceModeIT).
 */
class ExitStatusIT {

    @TempDir
    Path work;
    private SimulatedRegistry registry;
    private FakeHarbor harbor;
    private FakeDynatrace dynatrace;

    @BeforeEach
    void fakes() throws Exception {
        registry = Registries.empty("v2.13.2-a1b2c3d4");
        registry.project("library", false);
        registry.push("library/app", Registries.digest(1), "IMAGE", List.of("1"),
                Registries.success(Instant.now().minusSeconds(60), Registries.vulns(3)));
        harbor = new FakeHarbor(registry);
        dynatrace = new FakeDynatrace("dt0c01.EXITSTATUS");
    }

    @AfterEach
    void close() {
        harbor.close();
        dynatrace.close();
    }

    private PackagedJar once(String... more) {
        String[] env = new String[more.length + 2];
        env[0] = "CONNECTOR_MODE";
        env[1] = "once";
        System.arraycopy(more, 0, env, 2, more.length);
        return PackagedJar.start(work, PackagedJar.connecting(harbor, dynatrace, env));
    }

    @Test
    void oneWhenDynatraceRefusesEventsOnTheirMerits() {
        dynatrace.respond(400, 1, null, "{\"error\":{\"code\":400,\"message\":\"invalid event\"}}");
        try (PackagedJar connector = once()) {
            assertThat(connector.exitStatus(Duration.ofSeconds(90))).as(connector.output()).isEqualTo(1);
            assertThat(connector.lines("' cycle dead_lettered")).hasSize(1);
        }
    }

    @Test
    void threeWhenDynatraceRefusesTheToken() {
        try (PackagedJar connector = PackagedJar.start(work, Map.of("HARBOR_URL", harbor.url(),
                "HARBOR_USERNAME", registry.robotName(), "HARBOR_PASSWORD", registry.robotSecret(),
                "DT_URL", dynatrace.url(), "DT_TOKEN", "dt0c01.NOTTHETOKEN", "CONNECTOR_MODE", "once"))) {
            assertThat(connector.exitStatus(Duration.ofSeconds(90))).as(connector.output()).isEqualTo(3);
            assertThat(connector.output()).contains("DT_TOKEN").doesNotContain("dt0c01.NOTTHETOKEN");
        }
    }

    @Test
    void fourWhenTheStateDatabaseCannotBeWrittenLockedOrRead() throws Exception {
        // read-only: what H2 does, without a word, with a file it cannot write (this test runs as root, which
        // file permissions do not stop, so the read-only mode is asked for)
        try (PackagedJar seed = once()) {
            assertThat(seed.exitStatus(Duration.ofSeconds(90))).as(seed.output()).isZero();
        }
        Path file = work.resolve("data/connector");
        try (PackagedJar connector = once("STATE_JDBC_URL", "jdbc:h2:file:" + file + ";ACCESS_MODE_DATA=r")) {
            assertThat(connector.exitStatus(Duration.ofSeconds(60))).as(connector.output()).isEqualTo(4);
            assertThat(connector.lines("Connector stopped: State database")).singleElement().asString()
                    .contains(file + ".mv.db").contains("could not write to it").contains("STATE_JDBC_URL");
        }
        // locked: a second connector on the same file
        try (PackagedJar service = PackagedJar.start(work, PackagedJar.connecting(harbor, dynatrace,
                "MANAGEMENT_ENABLED", "false"))) {
            service.awaitLine("' cycle delivered", Duration.ofSeconds(60));
            try (PackagedJar second = once("MANAGEMENT_ENABLED", "false")) {
                assertThat(second.exitStatus(Duration.ofSeconds(60))).as(second.output()).isEqualTo(4);
                assertThat(second.lines("Connector stopped: State database")).singleElement().asString()
                        .contains("could not open it");
            }
        }
        // corrupt
        Files.write(work.resolve("data/connector.mv.db"), "not an H2 file".repeat(1000).getBytes());
        try (PackagedJar connector = once()) {
            assertThat(connector.exitStatus(Duration.ofSeconds(60))).as(connector.output()).isEqualTo(4);
            assertThat(connector.lines("Connector stopped: State database")).hasSize(1);
            assertThat(connector.output()).doesNotContain("\tat ");
        }
    }

    @Test
    void fiveWhenASettingIsInvalid() {
        try (PackagedJar connector = once("CONNECTOR_MODE", "sevrice")) {
            assertThat(connector.exitStatus(Duration.ofSeconds(60))).as(connector.output()).isEqualTo(5);
            assertThat(connector.lines("Connector stopped:")).singleElement().asString().contains("CONNECTOR_MODE");
        }
    }
}
