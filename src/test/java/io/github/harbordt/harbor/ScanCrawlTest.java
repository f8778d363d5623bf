package io.github.harbordt.harbor;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.pipeline.CycleResult;
import io.github.harbordt.state.DeadLetter;
import io.github.harbordt.state.StateStore;
import io.github.harbordt.support.ConnectorHarness;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.LogCapture;
import io.github.harbordt.support.Peers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.github.harbordt.support.Registries.digest;
import static io.github.harbordt.support.Registries.status;
import static io.github.harbordt.support.Registries.success;
import static io.github.harbordt.support.Registries.vuln;
import static io.github.harbordt.support.Registries.vulns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The scan crawl through the real routes against the simulated Harbor and the fake Dynatrace. */
class ScanCrawlTest {

    @RegisterExtension
    final Peers peers = new Peers();

    @TempDir
    Path data;
    private final Instant now = Instant.now();
    private FakeDynatrace dynatrace;
    private FakeHarbor harbor;
    private ConnectorHarness connector;

    @BeforeEach
    void fakes() throws Exception {
        dynatrace = peers.dynatrace();
    }

    private SimulatedRegistry registry(String version) throws Exception {
        SimulatedRegistry r = io.github.harbordt.support.Registries.empty(version);
        harbor = peers.harbor(r);
        r.project("library", true);
        r.project("team", false);
        return r;
    }

    private void start(Map<String, String> overrides) throws Exception {
        connector = peers.connector(data, harbor.url(), dynatrace.url(), overrides);
    }

    @Test
    void aLongCycleLogsItsProgressAtTheIntervalAndAShortOneStaysQuiet() throws Exception {
        SimulatedRegistry r = registry("v2.13.1-a1b2c3d4");
        for (int i = 1; i <= 12; i++) {
            r.push("library/app-" + i, digest(i), "IMAGE", List.of("1"), success(now.minusSeconds(60),
                    io.github.harbordt.support.Registries.vulns(4)));
        }
        harbor.slow("/additions", Duration.ofMillis(300));
        start(Map.of("harbor.progress-interval", "400ms", "harbor.parallelism", "1"));
        try (LogCapture logs = new LogCapture()) {
            assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
            List<String> progress = logs.text().lines().filter(l -> l.contains("Harbor 'default' cycle in progress:")).toList();
            assertThat(progress).as("a 3.6 s cycle, a line every 0.4 s").hasSizeGreaterThanOrEqualTo(3);
            assertThat(progress.get(progress.size() - 1)).containsPattern("artifacts_seen=\\d+ scans_new=\\d+ findings=\\d+ "
                    + "batches=\\d+ bytes=\\d+ harbor_requests=\\d+ rate=\\d+ findings/s elapsed=\\d+s");
        }
        harbor.slow("/additions", Duration.ZERO);
        r.rescan(r.artifacts().get(0), Instant.now(), 2, () -> io.github.harbordt.support.Registries.vulns(2));
        try (LogCapture logs = new LogCapture()) {
            assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
            assertThat(logs.text()).doesNotContain("cycle in progress");
        }
    }

    @Test
    void deliversOneScanEventAndOneFindingPerVulnerabilityWithTheContractFields() throws Exception {
        SimulatedRegistry r = registry("v2.13.1-a1b2c3d4");
        r.push("library/nginx", digest(1), "IMAGE", List.of("1.25.2"), success(now.minusSeconds(60), List.of(
                vuln("CVE-2023-44487", "libnghttp2-14", "1.52.0-1", "1.52.0-1+deb12u1", "High", 7.5),
                vuln("GHSA-xxxx-yyyy", "requests", "2.31.0", null, "Negligible", null))));
        start(Map.of());

        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);

        JsonNode scan = dynatrace.events("VULNERABILITY_SCAN").get(0);
        assertThat(scan.get("event.provider").asText()).isEqualTo("Harbor");
        assertThat(scan.get("object.type").asText()).isEqualTo("CONTAINER_IMAGE");
        assertThat(scan.get("container_image.registry").asText()).isEqualTo(harbor.url().replace("http://", ""));
        assertThat(scan.get("container_image.tags").get(0).asText()).isEqualTo("1.25.2");
        assertThat(scan.get("harbor.project.id").isTextual()).isTrue();
        assertThat(scan.get("scan.status").asText()).isEqualTo("Success");
        assertThat(scan.get("scan.findings.total").isNumber()).isTrue();
        assertThat(scan.has("timestamp")).isFalse();
        assertThat(scan.has("dt.security.risk.level")).isFalse();

        List<JsonNode> findings = dynatrace.events("VULNERABILITY_FINDING");
        assertThat(findings).hasSize(2);
        JsonNode high = findings.stream().filter(f -> f.get("vulnerability.id").asText().equals("CVE-2023-44487")).findFirst().orElseThrow();
        assertThat(high.get("finding.id").asText()).isEqualTo(digest(1) + "/CVE-2023-44487/libnghttp2-14@1.52.0-1");
        assertThat(high.get("dt.security.risk.score").isNumber()).isTrue();
        assertThat(high.get("dt.security.risk.score").asDouble()).isEqualTo(8.9);
        assertThat(high.get("vulnerability.remediation.fix_versions").get(0).asText()).isEqualTo("1.52.0-1+deb12u1");
        assertThat(high.get("scan.id").asText()).isEqualTo(scan.get("scan.id").asText());
        assertThat(high.get("finding.time.created").asText()).endsWith("Z");
        JsonNode negligible = findings.stream().filter(f -> f.get("vulnerability.id").asText().startsWith("GHSA")).findFirst().orElseThrow();
        assertThat(negligible.get("dt.security.risk.level").asText()).isEqualTo("NONE");
        assertThat(negligible.get("finding.severity").asText()).isEqualTo("Negligible");
        assertThat(negligible.has("vulnerability.remediation.fix_versions")).isFalse();
        assertThat(negligible.has("vulnerability.references.cve")).isFalse();
        assertThat(negligible.has("finding.score")).isFalse();
    }

    @Test
    void selectsOnlySuccessfulImageScansInsideTheWindowAndMapsHarborQuirks() throws Exception {
        SimulatedRegistry r = registry("v2.13.1-a1b2c3d4");
        r.push("library/nginx", digest(1), "IMAGE", null, success(now.minusSeconds(60), vulns(3)));              // untagged: tags null
        r.push("team/backend/api", digest(2), "IMAGE", List.of("2.0"), success(now.minusSeconds(60), vulns(2),
                ReportMimeTypes.V1_0));                                                                      // nested name, 1.0 format
        r.push("team/app", digest(3), "IMAGE", List.of("x"), status("Error", now.minusSeconds(60)));             // failed scan
        r.push("team/app", digest(4), "IMAGE", List.of("y"), new SimulatedRegistry.Scan("r4", "Running",
                now.minusSeconds(5), null, ReportMimeTypes.V1_1, "Trivy", "Aqua Security", "v1", 0, List::of)); // 0001 end time
        r.push("team/charts", digest(5), "CHART", List.of("0.1"), null);                                        // not an image
        r.push("team/app", digest(6), "IMAGE", List.of("old"), success(now.minus(Duration.ofDays(3)), vulns(4))); // before look-back
        r.push("team/app", digest(7), "IMAGE", List.of("never"), null);                                         // never scanned
        SimulatedRegistry.Artifact hidden = r.push("team/app", digest(8), "IMAGE", List.of("z"), success(now.minusSeconds(60), vulns(2)));
        r.hideReport(hidden);                                                                                   // report {}
        start(Map.of());

        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);

        Set<String> scanned = dynatrace.events("VULNERABILITY_SCAN").stream()
                .map(e -> e.get("container_image.digest").asText()).collect(Collectors.toSet());
        assertThat(scanned).containsExactlyInAnyOrder(digest(1), digest(2), digest(8));
        assertThat(dynatrace.events("VULNERABILITY_FINDING")).hasSize(3 + 2);
        JsonNode untagged = dynatrace.events("VULNERABILITY_SCAN").stream()
                .filter(e -> e.get("container_image.digest").asText().equals(digest(1))).findFirst().orElseThrow();
        assertThat(untagged.has("container_image.tags")).isFalse();
        JsonNode nested = dynatrace.events("VULNERABILITY_FINDING").stream()
                .filter(e -> e.get("container_image.digest").asText().equals(digest(2))).findFirst().orElseThrow();
        assertThat(nested.get("container_image.repository").asText()).isEqualTo("team/backend/api");
        assertThat(nested.get("object.id").asText()).endsWith("/team/backend/api/" + digest(2));
        List<DeadLetter> rejected = connector.connector().deadLetters().list(true);
        assertThat(rejected).singleElement().satisfies(d -> {
            assertThat(d.sink()).isEqualTo(DeadLetter.REJECTED);
            assertThat(d.reason()).contains("no vulnerability report").contains(digest(8));
        });
    }

    @Test
    void olderHarborIsCrawledPerRepositoryWithDoubleEncodedNestedNamesAndPagedByLinkHeader() throws Exception {
        SimulatedRegistry r = registry("v2.10.0-12345678");
        for (int i = 0; i < 23; i++) {
            r.push("team/backend/api", digest(100 + i), "IMAGE", List.of("v" + i), success(now.minusSeconds(60), vulns(1)));
        }
        start(Map.of("harbor.page-size", "10"));

        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);

        assertThat(dynatrace.events("VULNERABILITY_SCAN")).hasSize(23);
        List<String> log = harbor.requestLog();
        assertThat(log).noneMatch(p -> p.matches("/api/v2\\.0/projects/[^/]+/artifacts.*"));
        assertThat(log).anyMatch(p -> p.startsWith("/api/v2.0/projects/team/repositories/backend%252Fapi/artifacts?page=3"));
        assertThat(log).filteredOn(p -> p.contains("/artifacts?")).allMatch(p -> p.contains("with_scan_overview=true")
                && p.contains("page_size=10"));
    }

    @Test
    void secondRunSendsNothingNewAndARescanSendsTheNewScanWithTheSameFindingIds() throws Exception {
        SimulatedRegistry r = registry("v2.13.1-a1b2c3d4");
        SimulatedRegistry.Artifact a = r.push("library/nginx", digest(1), "IMAGE", List.of("1"), success(now.minusSeconds(60), vulns(4)));
        r.push("library/redis", digest(2), "IMAGE", List.of("7"), success(now.minusSeconds(60), vulns(2)));
        start(Map.of());
        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
        List<JsonNode> first = dynatrace.events("VULNERABILITY_FINDING");
        assertThat(first).hasSize(6);

        dynatrace.reset();
        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
        assertThat(dynatrace.events()).isEmpty();

        r.rescan(a, Instant.now(), 4, () -> vulns(4));
        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
        List<JsonNode> rescanned = dynatrace.events("VULNERABILITY_FINDING");
        assertThat(rescanned).hasSize(4).allMatch(e -> e.get("container_image.digest").asText().equals(digest(1)));
        assertThat(dynatrace.events("VULNERABILITY_SCAN")).singleElement()
                .satisfies(s -> assertThat(s.get("scan.id").asText()).isEqualTo(a.scan().reportId()));
        Set<String> firstIds = first.stream().filter(e -> e.get("container_image.digest").asText().equals(digest(1)))
                .map(e -> e.get("finding.id").asText()).collect(Collectors.toSet());
        assertThat(rescanned.stream().map(e -> e.get("finding.id").asText())).containsExactlyInAnyOrderElementsOf(firstIds);
        assertThat(rescanned.stream().map(e -> e.get("event.id").asText()))
                .doesNotContainAnyElementsOf(first.stream().map(e -> e.get("event.id").asText()).toList());
    }

    @Test
    void restartKeepsTheWatermarkAndSendsNothingAgain() throws Exception {
        SimulatedRegistry r = registry("v2.13.1-a1b2c3d4");
        r.push("library/nginx", digest(1), "IMAGE", List.of("1"), success(now.minusSeconds(60), vulns(3)));
        start(Map.of());
        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
        String watermark = connector.connector().state().watermark("default", StateStore.SCANS).orElseThrow();
        connector.close();

        dynatrace.reset();
        start(Map.of());
        assertThat(connector.connector().state().watermark("default", StateStore.SCANS)).contains(watermark);
        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
        assertThat(dynatrace.events()).isEmpty();
    }

    @Test
    void transientHarborErrorsAreRetriedAndAPersistentOneFailsTheCycleWithoutMovingTheWatermark() throws Exception {
        SimulatedRegistry r = registry("v2.13.1-a1b2c3d4");
        r.push("library/nginx", digest(1), "IMAGE", List.of("1"), success(now.minusSeconds(60), vulns(3)));
        start(Map.of());
        harbor.fail("/additions/vulnerabilities", 2, 500, Duration.ZERO, null);
        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
        assertThat(dynatrace.events()).hasSize(4);

        SimulatedRegistry.Artifact b = r.push("library/redis", digest(2), "IMAGE", List.of("1"), success(Instant.now(), vulns(2)));
        String watermark = connector.connector().state().watermark("default", StateStore.SCANS).orElseThrow();
        harbor.fail("/projects", 50, 503, Duration.ZERO, null);
        assertThat(connector.runCycle()).isEqualTo(CycleResult.FAILED);
        assertThat(connector.connector().state().watermark("default", StateStore.SCANS)).contains(watermark);

        harbor.clearFaults();
        dynatrace.reset();
        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
        assertThat(dynatrace.events("VULNERABILITY_SCAN")).singleElement()
                .satisfies(e -> assertThat(e.get("container_image.digest").asText()).isEqualTo(b.digest()));
    }

    @Test
    void aReportThatDoesNotComeInTimeIsKeptPendingAndTheNextCycleDeliversIt() throws Exception {
        SimulatedRegistry r = registry("v2.13.1-a1b2c3d4");
        r.push("library/nginx", digest(1), "IMAGE", List.of("1"), success(now.minusSeconds(60), vulns(1)));
        start(Map.of("harbor.response-timeout", "300ms", "harbor.retries", "1"));
        harbor.fail("/additions/vulnerabilities", 2, 200, Duration.ofMillis(1500), null);

        long started = System.nanoTime();
        assertThat(connector.runCycle()).isEqualTo(CycleResult.PENDING);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(connector.connector().pendingArtifacts().list("default")).singleElement()
                .satisfies(p -> assertThat(p.reason()).contains("/additions/vulnerabilities").contains("imeout"));

        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
        assertThat(dynatrace.events()).hasSize(2);
    }

    @Test
    void badRobotCredentialsAreDetectedEvenThoughHarborAnswers200() throws Exception {
        SimulatedRegistry r = registry("v2.13.1-a1b2c3d4");
        r.push("library/nginx", digest(1), "IMAGE", List.of("1"), success(now.minusSeconds(60), vulns(1)));
        start(Map.of("harbor.password", "wrong-secret"));

        assertThat(connector.runCycle()).isEqualTo(CycleResult.FAILED);
        assertThat(dynatrace.events()).isEmpty();
        assertThat(harbor.requestLog()).containsExactly("/api/v2.0/systeminfo");
    }

    @Test
    void filtersByProjectRepositoryAndMinimumSeverity() throws Exception {
        SimulatedRegistry r = registry("v2.13.1-a1b2c3d4");
        r.project("sandbox", false);
        r.push("library/nginx", digest(1), "IMAGE", List.of("1"), success(now.minusSeconds(60), vulns(5)));
        r.push("library/tmp-build", digest(2), "IMAGE", List.of("1"), success(now.minusSeconds(60), vulns(5)));
        r.push("sandbox/play", digest(3), "IMAGE", List.of("1"), success(now.minusSeconds(60), vulns(5)));
        start(Map.of("harbor.projects.exclude", "sandbox", "harbor.repositories.exclude", "*/tmp-*",
                "harbor.min-severity", "HIGH"));

        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);

        assertThat(dynatrace.events("VULNERABILITY_SCAN")).singleElement()
                .satisfies(e -> assertThat(e.get("container_image.repository").asText()).isEqualTo("library/nginx"));
        assertThat(dynatrace.events("VULNERABILITY_FINDING")).extracting(e -> e.get("dt.security.risk.level").asText())
                .containsExactlyInAnyOrder("CRITICAL", "HIGH");
        assertThat(harbor.requestLog()).noneMatch(p -> p.contains("/projects/sandbox/"));
    }

    @Test
    void aCycleNeverStartsWhileThePreviousOneOfTheSameInstanceRuns() throws Exception {
        SimulatedRegistry r = registry("v2.13.1-a1b2c3d4");
        r.push("library/nginx", digest(1), "IMAGE", List.of("1"), success(now.minusSeconds(60), vulns(2)));
        start(Map.of());
        dynatrace.delay(Duration.ofSeconds(1));

        CompletableFuture<CycleResult> first = CompletableFuture.supplyAsync(connector::runCycle);
        await().atMost(Duration.ofSeconds(30)).until(() -> harbor.requestLog().stream().anyMatch(p -> p.contains("additions")));
        assertThat(connector.runCycle()).isEqualTo(CycleResult.SKIPPED);

        assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(CycleResult.DELIVERED);
        assertThat(harbor.requestLog()).filteredOn(p -> p.endsWith("/systeminfo")).hasSize(1);
        assertThat(dynatrace.events()).hasSize(3);
    }

    @Test
    void eachHarborInstanceHasItsOwnRegistryFiltersAndWatermark() throws Exception {
        SimulatedRegistry a = registry("v2.13.1-a1b2c3d4");
        a.push("library/nginx", digest(1), "IMAGE", List.of("1"), success(now.minusSeconds(60), vulns(2)));
        SimulatedRegistry b = io.github.harbordt.support.Registries.empty("v2.10.0-12345678");
        b.project("apps", false);
        b.push("apps/api", digest(2), "IMAGE", List.of("1"), success(now.minusSeconds(60), vulns(4)));
        try (FakeHarbor second = new FakeHarbor(b)) {
            start(Map.of("harbor.instances", "a,b", "harbor.a.url", harbor.url(), "harbor.b.url", second.url(),
                    "harbor.b.registry", "registry.b.example", "harbor.b.min-severity", "CRITICAL"));

            assertThat(connector.runCycle("a")).isEqualTo(CycleResult.DELIVERED);
            assertThat(connector.runCycle("b")).isEqualTo(CycleResult.DELIVERED);

            assertThat(dynatrace.events("VULNERABILITY_SCAN")).extracting(e -> e.get("container_image.registry").asText())
                    .containsExactlyInAnyOrder(harbor.url().replace("http://", ""), "registry.b.example");
            assertThat(dynatrace.events("VULNERABILITY_FINDING")).hasSize(2 + 1);
            StateStore state = connector.connector().state();
            assertThat(state.watermark("a", StateStore.SCANS)).isPresent();
            assertThat(state.watermark("b", StateStore.SCANS)).isPresent();
            assertThat(state.watermark("default", StateStore.SCANS)).isEmpty();
        }
    }

    @Test
    void oneDigestInTwoRepositoriesIsTwoObjectsEachDelivered() throws Exception {
        SimulatedRegistry r = registry("v2.11.2-a1b2c3d4");
        SimulatedRegistry.Scan shared = success(now.minusSeconds(60), vulns(3));
        r.push("library/nginx", digest(1), "IMAGE", List.of("1.25"), shared);
        r.push("team/mirror/nginx", digest(1), "IMAGE", List.of("1.25"), shared);
        start(Map.of());

        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
        assertThat(dynatrace.events("VULNERABILITY_SCAN")).extracting(e -> e.get("object.id").asText())
                .hasSize(2).doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).endsWith("/" + digest(1)));
        assertThat(dynatrace.events("VULNERABILITY_FINDING")).hasSize(6);
        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
        assertThat(dynatrace.events("VULNERABILITY_SCAN")).hasSize(2);
    }

    @Test
    void aScannedArtifactThatCannotBeUnderstoodFailsTheCycleAfterTheOthersAreDelivered() throws Exception {
        SimulatedRegistry r = registry("v2.13.1-a1b2c3d4");
        r.push("library/nginx", digest(1), "IMAGE", List.of("1"), success(now.minusSeconds(60), vulns(2)));
        r.push("library/broken", digest(2), "IMAGE", List.of("1"), new SimulatedRegistry.Scan(null, "Success",
                now.minusSeconds(90), now.minusSeconds(60), ReportMimeTypes.V1_1, "Trivy", "Aqua Security", "v1", 1, List::of));
        start(Map.of());

        assertThat(connector.runCycle()).isEqualTo(CycleResult.FAILED);
        assertThat(dynatrace.events("VULNERABILITY_SCAN")).hasSize(1);
        assertThat(connector.connector().state().watermark("default", StateStore.SCANS)).isEmpty();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES) // the settle timeout is 30 minutes: ending at once is the point
    void aStateWriteThatFailsDuringTheCycleEndsItAtOnceInsteadOfWaitingForTheSettleTimeout() throws Exception {
        SimulatedRegistry r = registry("v2.13.1-a1b2c3d4");
        r.push("library/nginx", digest(1), "IMAGE", List.of("1"), success(now.minusSeconds(60), vulns(2)));
        start(Map.of("dynatrace.settle-timeout", "30m"));
        // reads still work, every write of a delivered scan fails: as a full disk or a file turned read-only does
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:h2:file:" + data.resolve("connector"));
             java.sql.Statement s = c.createStatement()) {
            s.execute("ALTER TABLE delivered_scan ADD CONSTRAINT refuse_writes CHECK (1 = 0)");
        }

        assertThat(connector.runCycle()).isEqualTo(CycleResult.STATE_UNAVAILABLE);
        assertThat(dynatrace.events("VULNERABILITY_SCAN")).hasSize(1);
        assertThat(connector.connector().state().watermark("default", StateStore.SCANS)).isEmpty();
    }

    @Test
    void onePoisonArtifactIsKeptPendingTheOthersAreDeliveredAndItIsTriedFirstUntilItGoesThrough() throws Exception {
        SimulatedRegistry r = registry("v2.13.1-a1b2c3d4");
        for (int i = 1; i <= 5; i++) {
            r.push("library/app-" + i, digest(i), "IMAGE", List.of("1"), success(now.minusSeconds(60), vulns(3)));
        }
        harbor.fail("/app-3/artifacts/" + digest(3) + "/additions", 1000, 500, Duration.ZERO, null);
        start(Map.of());

        assertThat(connector.runCycle()).isEqualTo(CycleResult.PENDING);
        assertThat(dynatrace.events("VULNERABILITY_SCAN")).hasSize(4);
        assertThat(connector.connector().state().watermark("default", StateStore.SCANS)).isPresent();
        assertThat(connector.connector().pendingArtifacts().list("default")).singleElement().satisfies(p -> {
            assertThat(p.repository()).isEqualTo("library/app-3");
            assertThat(p.reason()).contains("500").contains("/api/v2.0/projects/library/repositories/app-3/artifacts/"
                    + digest(3) + "/additions/vulnerabilities");
            assertThat(p.attempts()).isEqualTo(1);
        });

        int before = harbor.requestLog().size();
        assertThat(connector.runCycle()).isEqualTo(CycleResult.PENDING);
        List<String> second = harbor.requestLog().subList(before, harbor.requestLog().size());
        assertThat(second.get(1)).as("tried first, after systeminfo").contains("/app-3/artifacts/" + digest(3) + "?");
        assertThat(second).filteredOn(p -> p.contains(digest(3) + "/additions")).hasSize(3); // one try and its 2 retries
        assertThat(connector.connector().pendingArtifacts().list("default")).singleElement()
                .satisfies(p -> assertThat(p.attempts()).isEqualTo(2));

        harbor.clearFaults();
        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
        assertThat(dynatrace.events("VULNERABILITY_SCAN")).hasSize(5);
        assertThat(dynatrace.events("VULNERABILITY_FINDING")).hasSize(15);
        assertThat(connector.connector().pendingArtifacts().list("default")).isEmpty();
    }

    @Test
    void aReportThatIsNotJsonIsNamedWithItsUrlAndKeptPending() throws Exception {
        SimulatedRegistry r = registry("v2.13.1-a1b2c3d4");
        r.push("library/app-1", digest(1), "IMAGE", List.of("1"), success(now.minusSeconds(60), vulns(3)));
        r.push("library/app-2", digest(2), "IMAGE", List.of("1"), success(now.minusSeconds(60), vulns(3)));
        harbor.fail("/app-1/artifacts/" + digest(1) + "/additions", 1000, 200, Duration.ZERO, null);
        start(Map.of());

        assertThat(connector.runCycle()).isEqualTo(CycleResult.PENDING);
        assertThat(dynatrace.events("VULNERABILITY_SCAN")).singleElement()
                .satisfies(e -> assertThat(e.get("container_image.repository").asText()).isEqualTo("library/app-2"));
        assertThat(connector.connector().pendingArtifacts().list("default")).singleElement()
                .satisfies(p -> assertThat(p.reason()).contains("not JSON").contains("/app-1/artifacts/" + digest(1)));
    }

    @Test
    void aNewerScanOfAPendingArtifactSupersedesIt() throws Exception {
        SimulatedRegistry r = registry("v2.13.1-a1b2c3d4");
        SimulatedRegistry.Artifact app = r.push("library/app", digest(1), "IMAGE", List.of("1"),
                success(now.minusSeconds(60), vulns(3)));
        String oldReport = app.scan().reportId();
        harbor.fail("/additions", 1000, 503, Duration.ZERO, null);
        start(Map.of());
        assertThat(connector.runCycle()).isEqualTo(CycleResult.PENDING);

        r.rescan(app, Instant.now(), 2, () -> vulns(2));
        harbor.clearFaults();
        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);

        assertThat(dynatrace.events("VULNERABILITY_SCAN")).singleElement().satisfies(e ->
                assertThat(e.get("scan.id").asText()).isEqualTo(app.scan().reportId()).isNotEqualTo(oldReport));
        assertThat(dynatrace.events("VULNERABILITY_FINDING")).hasSize(2);
        assertThat(connector.connector().pendingArtifacts().list("default")).isEmpty();
    }
}
