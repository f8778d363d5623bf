package io.github.harbordt.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.mapping.AuditStream;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.Registries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Twenty {@code kill -9} of the packaged jar in service mode at random moments of delivery, with Harbor answering
 * some listings and reports with 503 or too slowly and Dynatrace slow, while scans and audit rows keep coming; then
 * a clean run. Nothing of Harbor's ground truth is missing, and what a kill re-sends stays within the batches that
 * were in flight: at most (delivery threads + the caller) batches per kill.
 */
class KillCampaignIT {

    private static final int KILLS = 20;
    private static final int BATCH_RECORDS = 40;
    /** dynatrace.delivery-threads (2) and the crawl thread that delivers itself when both are busy. */
    private static final int IN_FLIGHT_BATCHES = 3;

    @TempDir
    Path work;

    @Test
    void twentyKillsLoseNothingAndReSendOnlyWhatWasInFlight() throws Exception {
        Random random = new Random(20261129);
        SimulatedRegistry r = Registries.empty("v2.14.1-a1b2c3d4");
        r.project("library", false);
        List<SimulatedRegistry.Artifact> artifacts = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            artifacts.add(r.push("library/app-" + i, Registries.digest(i), "IMAGE", List.of("1"),
                    Registries.success(Instant.now().minusSeconds(600), Registries.vulns(9))));
        }
        Files.createDirectories(work.resolve("config"));
        // small batches (a documented key), so that a kill finds several in flight and many delivered
        Files.writeString(work.resolve("config/application.properties"), "dynatrace.batch.max-records = " + BATCH_RECORDS + "\n");
        try (FakeHarbor harbor = new FakeHarbor(r); FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.KILLS")) {
            dynatrace.delay(Duration.ofMillis(150));
            List<String> lines = new ArrayList<>();
            for (int kill = 1; kill <= KILLS; kill++) {
                // new work for this start: rescans and audit rows
                for (int n = 0; n < 8; n++) {
                    r.rescan(artifacts.get(random.nextInt(artifacts.size())), Instant.now(), 9, () -> Registries.vulns(9));
                }
                for (int n = 0; n < 5; n++) {
                    r.audit(AuditStream.EXTS, "robot$ci", "pull", "artifact", "library/app-" + n, "pull artifact", true, Instant.now());
                }
                harbor.fail("/artifacts?", 1, 503, Duration.ZERO, null);
                harbor.fail("/additions", 2, 500, Duration.ZERO, null);
                harbor.fail("/additions", 1, 200, Duration.ofMillis(700), null);
                int before = dynatrace.requests().size();
                int requests = 1 + random.nextInt(4);
                try (PackagedJar connector = PackagedJar.start(work, PackagedJar.connecting(harbor, dynatrace,
                        "MANAGEMENT_ENABLED", "false"))) {
                    await().atMost(Duration.ofSeconds(90)).until(() -> dynatrace.requests().size() >= before + requests
                            || !connector.lines("' cycle ").isEmpty());
                }
                harbor.clearFaults();
                lines.add("kill " + kill + " after " + (dynatrace.requests().size() - before) + " accepted requests");
            }
            int beforeClean = dynatrace.events().size() + dynatrace.logRecords().size();
            dynatrace.delay(Duration.ZERO);
            try (PackagedJar clean = PackagedJar.start(work, PackagedJar.connecting(harbor, dynatrace, "CONNECTOR_MODE", "once",
                    "MANAGEMENT_ENABLED", "false"))) {
                assertThat(clean.exitStatus(Duration.ofSeconds(120))).as(clean.output()).isZero();
            }

            Set<String> expected = new HashSet<>();
            for (SimulatedRegistry.Artifact a : artifacts) {
                expected.add("scan " + a.repository() + " " + a.scan().reportId());
                for (SimulatedRegistry.Vuln v : a.scan().vulnerabilities().get()) {
                    expected.add("finding " + a.repository() + " " + a.scan().reportId() + " " + v.id());
                }
            }
            Set<String> arrived = new HashSet<>();
            List<String> ids = new ArrayList<>();
            for (JsonNode e : dynatrace.events()) {
                boolean scan = "VULNERABILITY_SCAN".equals(e.path("event.type").asText());
                arrived.add((scan ? "scan " : "finding ") + e.path("container_image.repository").asText() + " "
                        + e.path("scan.id").asText() + (scan ? "" : " " + e.path("vulnerability.id").asText()));
                ids.add(e.path("event.id").asText());
            }
            assertThat(arrived).as("every latest scan and finding arrived").containsAll(expected);
            List<String> auditIds = dynatrace.logRecords().stream().map(l -> l.path("id").asText()).toList();
            assertThat(new HashSet<>(auditIds)).as("every audit row arrived")
                    .hasSize(r.auditRows(AuditStream.EXTS).size());

            int eventDuplicates = ids.size() - new HashSet<>(ids).size();
            int auditDuplicates = auditIds.size() - new HashSet<>(auditIds).size();
            System.out.printf("kill campaign: %d kills, events delivered %d (distinct %d, duplicates %d), audit rows %d "
                            + "(duplicates %d), clean run sent %d; bound %d per kill%n", KILLS, ids.size(),
                    new HashSet<>(ids).size(), eventDuplicates, auditIds.size(), auditDuplicates,
                    dynatrace.events().size() + dynatrace.logRecords().size() - beforeClean, IN_FLIGHT_BATCHES * BATCH_RECORDS);
            assertThat(eventDuplicates + auditDuplicates).as(String.join("\n", lines))
                    .isLessThanOrEqualTo(KILLS * IN_FLIGHT_BATCHES * BATCH_RECORDS);
        }
    }
}
