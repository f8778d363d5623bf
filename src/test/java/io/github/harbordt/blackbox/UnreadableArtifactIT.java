package io.github.harbordt.blackbox;

import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.harbor.ReportMimeTypes;
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
 * A scanned artifact the connector cannot understand (here a finished scan without a report id) is not "nothing new":
 * the run delivers the rest, names the artifact and the reason in one line, exits 2 and keeps the watermark, so the
 * next run reads the same window again.
 */
class UnreadableArtifactIT {

    @TempDir
    Path work;

    @Test
    void anUnreadableScannedArtifactFailsTheRunAndKeepsTheWatermark() throws Exception {
        SimulatedRegistry r = Registries.empty("v2.11.2-a1b2c3d4");
        r.project("team", false);
        Instant hourAgo = Instant.now().minusSeconds(3600);
        for (int i = 1; i <= 3; i++) {
            r.push("team/app-" + i, Registries.digest(i), "IMAGE", List.of("1"), Registries.success(hourAgo, Registries.vulns(2)));
        }
        SimulatedRegistry.Artifact broken = r.push("team/broken", Registries.digest(9), "IMAGE", List.of("1"),
                new SimulatedRegistry.Scan(null, "Success", hourAgo.minusSeconds(30), hourAgo, ReportMimeTypes.V1_1,
                        "Trivy", "Aqua Security", "v0.56.2", 1, () -> Registries.vulns(1)));
        try (FakeHarbor harbor = new FakeHarbor(r); FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.UNREADABLE")) {
            Map<String, String> env = PackagedJar.connecting(harbor, dynatrace, "CONNECTOR_MODE", "once");
            try (PackagedJar first = PackagedJar.start(work, env)) {
                assertThat(first.exitStatus(Duration.ofSeconds(90))).as(first.output()).isEqualTo(2);
                assertThat(first.lines("cycle failed, watermark kept")).singleElement().asString()
                        .contains("1 scanned artifact(s) could not be read")
                        .contains("team/broken@" + broken.digest() + ": finished scan without end_time or report_id")
                        .contains("scans_new=3").contains("malformed:1");
                assertThat(first.lines("' cycle delivered")).isEmpty();
            }
            assertThat(dynatrace.events("VULNERABILITY_SCAN")).hasSize(3);

            r.delete(broken);
            try (PackagedJar second = PackagedJar.start(work, env)) {
                assertThat(second.exitStatus(Duration.ofSeconds(90))).as(second.output()).isZero();
                // the hour-old scans are still inside the window: the watermark did not move past them
                assertThat(second.lines("' cycle delivered")).singleElement().asString()
                        .contains("scans_new=0").contains("scans_already_delivered=3");
            }
            assertThat(dynatrace.events("VULNERABILITY_SCAN")).hasSize(3);
        }
    }
}
