package io.github.harbordt.blackbox;

import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar against a fake of each supported Harbor release, with the shipped defaults and only the variables
 * the README's "Connecting a real Harbor and Dynatrace" names, in run-once mode: every scan, finding and audit row of
 * the release's ground truth arrives once, the cycle says so, and the process exits 0. A second run sends nothing again.
 */
class HarborVersionsIT {

    static final List<String> VERSIONS = FieldRegistry.VERSIONS;

    @TempDir
    Path work;

    @ParameterizedTest(name = "Harbor {0}")
    @FieldSource("VERSIONS")
    void everyScanFindingAndAuditRowArrivesOnce(String version) throws Exception {
        FieldRegistry field = FieldRegistry.of(version, Instant.now());
        try (FakeHarbor harbor = new FakeHarbor(field.registry());
             FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.FIELDTEST")) {
            Map<String, String> env = PackagedJar.connecting(harbor, dynatrace, "CONNECTOR_MODE", "once");
            try (PackagedJar first = PackagedJar.start(work, env)) {
                assertThat(first.exitStatus(Duration.ofSeconds(90))).as(first.output()).isZero();
                assertThat(first.lines("cycle delivered: artifacts_seen=")).singleElement().asString()
                        .contains("scans_new=" + field.expectedScans())
                        .contains("findings=" + field.expectedFindings())
                        .contains("skipped=not_image:1,scan_not_finished:1,scan_not_successful:1");
                assertThat(first.lines("audit cycle delivered")).singleElement().asString()
                        .contains("audit_rows=" + field.expectedAuditRows());
            }
            field.assertScans(dynatrace.events());
            field.assertFindings(dynatrace.events());
            field.assertAuditLogs(dynatrace.logRecords());
            System.out.printf("black-box %s: scans expected %d delivered %d, findings expected %d delivered %d, "
                            + "audit rows expected %d delivered %d%n", version, field.expectedScans(),
                    dynatrace.events("VULNERABILITY_SCAN").size(), field.expectedFindings(),
                    dynatrace.events("VULNERABILITY_FINDING").size(), field.expectedAuditRows(), dynatrace.logRecords().size());

            int sent = dynatrace.events().size();
            try (PackagedJar second = PackagedJar.start(work, env)) {
                assertThat(second.exitStatus(Duration.ofSeconds(90))).as(second.output()).isZero();
                assertThat(second.lines("cycle delivered: artifacts_seen=")).singleElement().asString()
                        .contains("scans_new=0");
            }
            assertThat(dynatrace.events()).hasSize(sent);
        }
    }
}
