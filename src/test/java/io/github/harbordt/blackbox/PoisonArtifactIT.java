package io.github.harbordt.blackbox;

import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.Registries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two poison artifacts among many (one report answers 500 on every try, one answers JSON cut off in the middle): with
 * the shipped defaults the run delivers the others, keeps the two pending with the URL and the cause, exits 6, and the
 * dead-letters mode lists them; once Harbor answers again, the next run delivers them without a command.
 */
class PoisonArtifactIT {

    @TempDir
    Path work;

    @Test
    void poisonArtifactsDoNotHoldBackTheOthers() throws Exception {
        SimulatedRegistry r = Registries.empty("v2.15.2-a1b2c3d4");
        r.project("library", false);
        for (int i = 1; i <= 12; i++) {
            r.push("library/app-" + i, Registries.digest(i), "IMAGE", List.of("1"),
                    Registries.success(Instant.now().minusSeconds(300), Registries.vulns(4)));
        }
        try (FakeHarbor harbor = new FakeHarbor(r); FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.POISON")) {
            harbor.fail("/app-5/artifacts/" + Registries.digest(5) + "/additions", 1000, 500, Duration.ZERO, null);
            harbor.fail("/app-9/artifacts/" + Registries.digest(9) + "/additions", 1000, 200, Duration.ZERO, null);
            Map<String, String> env = PackagedJar.connecting(harbor, dynatrace, "CONNECTOR_MODE", "once");
            try (PackagedJar first = PackagedJar.start(work, env)) {
                assertThat(first.exitStatus(Duration.ofSeconds(120))).as(first.output()).isEqualTo(6);
                assertThat(first.lines("' cycle pending")).singleElement().asString()
                        .contains("scans_new=10").contains("kept_pending=2");
                assertThat(first.lines("app-5@" + Registries.digest(5) + " kept pending")).singleElement().asString()
                        .contains("500").contains("/api/v2.0/projects/library/repositories/app-5/artifacts/");
                assertThat(first.lines("app-9@" + Registries.digest(9) + " kept pending")).singleElement().asString()
                        .contains("not JSON").contains("/repositories/app-9/artifacts/");
            }
            assertThat(dynatrace.events("VULNERABILITY_SCAN")).hasSize(10);
            try (PackagedJar listing = PackagedJar.start(work, PackagedJar.connecting(harbor, dynatrace,
                    "CONNECTOR_MODE", "dead-letters", "MANAGEMENT_ENABLED", "false"))) {
                assertThat(listing.exitStatus(Duration.ofSeconds(60))).isZero();
                assertThat(listing.lines("library/app-5@")).hasSize(1);
                assertThat(listing.lines("library/app-9@")).hasSize(1);
            }

            harbor.clearFaults();
            try (PackagedJar second = PackagedJar.start(work, env)) {
                assertThat(second.exitStatus(Duration.ofSeconds(120))).as(second.output()).isZero();
            }
            assertThat(dynatrace.events("VULNERABILITY_SCAN")).hasSize(12);
            assertThat(dynatrace.events("VULNERABILITY_FINDING")).hasSize(48);
        }
    }
}
