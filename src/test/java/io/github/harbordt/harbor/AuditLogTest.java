package io.github.harbordt.harbor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.mapping.AuditStream;
import io.github.harbordt.mapping.LogLimits;
import io.github.harbordt.pipeline.CycleResult;
import io.github.harbordt.state.DeadLetter;
import io.github.harbordt.support.ConnectorHarness;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.LogCapture;
import io.github.harbordt.support.Peers;
import io.github.harbordt.support.Registries;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit-log read through the real routes against the simulated Harbor (both tables) and the fake Dynatrace. */
class AuditLogTest {

    @RegisterExtension
    final Peers peers = new Peers();

    private static final String NEW = "v2.13.1-a1b2c3d4";
    private static final String OLD = "v2.12.2-73072d0d";

    @TempDir
    Path data;
    private final Instant now = Instant.now();
    private final ObjectMapper json = new ObjectMapper();
    private FakeDynatrace dynatrace;
    private FakeHarbor harbor;
    private SimulatedRegistry registry;
    private ConnectorHarness connector;

    @BeforeEach
    void fakes() throws Exception {
        dynatrace = peers.dynatrace();
    }

    private void harbor(String version) throws Exception {
        registry = Registries.empty(version);
        harbor = peers.harbor(registry);
    }

    private void start(Map<String, String> overrides) throws Exception {
        if (connector != null) {
            connector.close();
        }
        connector = peers.connector(data, harbor.url(), dynatrace.url(), overrides);
    }

    /** {@code n} successful pushes in the table Harbor writes to, {@code minutesAgo} down to now. */
    private void rows(AuditStream table, int n, int minutesAgo) {
        for (int i = 0; i < n; i++) {
            Instant at = now.minus(Duration.ofMinutes(minutesAgo)).plusMillis(i);
            registry.audit(table, "robot$ci", "create", "artifact", "library/app@sha256:" + i, "push artifact", true, at);
        }
    }

    private List<Long> deliveredIds() {
        return dynatrace.logRecords().stream().map(r -> r.get("id").asLong()).toList();
    }

    private static List<Long> ids(List<SimulatedRegistry.AuditRow> rows) {
        return rows.stream().map(SimulatedRegistry.AuditRow::id).toList();
    }

    @ParameterizedTest
    @CsvSource({NEW + ",EXTS,/auditlog-exts", OLD + ",LEGACY,/audit-logs"})
    void everyRowIsDeliveredOnceInIdOrderAcrossCyclesAndRestarts(String version, AuditStream table, String path) throws Exception {
        harbor(version);
        rows(table, 130, 60);
        registry.skipAuditIds(table, 5); // a purge's gap
        rows(table, 20, 30);
        start(Map.of());

        assertThat(connector.runAuditCycle()).isEqualTo(CycleResult.DELIVERED);
        rows(table, 40, 10);
        assertThat(connector.runAuditCycle()).isEqualTo(CycleResult.DELIVERED);
        assertThat(connector.runAuditCycle()).isEqualTo(CycleResult.DELIVERED);

        start(Map.of()); // a restart reads on from the stored high-water mark
        rows(table, 3, 1);
        assertThat(connector.runAuditCycle()).isEqualTo(CycleResult.DELIVERED);

        assertThat(deliveredIds()).containsExactlyElementsOf(ids(registry.auditRows(table)));
        assertThat(harbor.requestLog()).allMatch(p -> !p.contains("/audit") || p.startsWith("/api/v2.0" + path));
        // keyset paging on the id: always page 1, ascending, never an offset page
        assertThat(harbor.requestLog()).filteredOn(p -> p.contains("q=id")).isNotEmpty()
                .allMatch(p -> p.contains("sort=id") && p.contains("page=1&"));
        JsonNode first = dynatrace.logRecords().get(0);
        assertThat(first.get("log.source").asText()).isEqualTo("Harbor");
        assertThat(first.get("audit.result").asText()).isEqualTo("Succeeded");
        assertThat(first.has("timestamp")).isTrue();
        assertThat(connector.connector().state().watermark("default", table.watermark()))
                .contains(String.valueOf(registry.auditRows(table).get(registry.auditRows(table).size() - 1).id()));
    }

    @Test
    void rowsWrittenWhilePagingAreNeitherSkippedNorDuplicated() throws Exception {
        harbor(NEW);
        rows(AuditStream.EXTS, 250, 20);
        // after each of the first two pages, Harbor records more operations
        harbor.afterAuditPage(() -> rows(AuditStream.EXTS, 7, 0));
        harbor.afterAuditPage(() -> rows(AuditStream.EXTS, 100, 0));
        harbor.afterAuditPage(() -> rows(AuditStream.EXTS, 1, 0));
        // small batches, and Dynatrace failing twice on the way: retries must not reorder anything
        start(Map.of("dynatrace.batch.max-records", "40"));
        dynatrace.respond(503, 2, null, "");

        assertThat(connector.runAuditCycle()).isEqualTo(CycleResult.DELIVERED);
        assertThat(connector.runAuditCycle()).isEqualTo(CycleResult.DELIVERED);

        assertThat(registry.auditRows(AuditStream.EXTS)).hasSize(358);
        assertThat(deliveredIds()).containsExactlyElementsOf(ids(registry.auditRows(AuditStream.EXTS)));
        assertThat(dynatrace.logBatchSizes()).hasSizeGreaterThan(8).allMatch(n -> n <= 40);
    }

    @Test
    void theFirstRunReadsTheLookBackAndABackfillReadsEverythingInPacedCycles() throws Exception {
        harbor(NEW);
        rows(AuditStream.EXTS, 150, 60 * 48);
        rows(AuditStream.EXTS, 10, 60);
        start(Map.of());
        assertThat(connector.runAuditCycle()).isEqualTo(CycleResult.DELIVERED);
        assertThat(deliveredIds()).containsExactlyElementsOf(LongStream.rangeClosed(151, 160).boxed().toList());
        // rows older than 24 h are stamped at ingest, their time kept in audit.time: none of these was
        assertThat(dynatrace.logRecords()).allMatch(r -> r.has("timestamp"));

        dynatrace.reset();
        Path other = data.resolve("backfill");
        connector.close();
        connector = peers.connector(other, harbor.url(), dynatrace.url(),
                Map.of("harbor.audit.backfill", "true", "harbor.audit.max-rows-per-cycle", "100", "harbor.audit.page-size", "50"));
        assertThat(connector.runAuditCycle()).isEqualTo(CycleResult.DELIVERED);
        assertThat(deliveredIds()).hasSize(100);
        assertThat(connector.runAuditCycle()).isEqualTo(CycleResult.DELIVERED);
        assertThat(deliveredIds()).containsExactlyElementsOf(LongStream.rangeClosed(1, 160).boxed().toList());
        assertThat(dynatrace.logRecords().get(0).has("timestamp")).isFalse();
        assertThat(dynatrace.logRecords().get(0).get("audit.time").asText()).isNotEmpty();
    }

    @Test
    void partialSuccessDeadLettersExactlyTheRecordsDynatraceDroppedAndCountsTheRestDelivered() throws Exception {
        harbor(NEW);
        rows(AuditStream.EXTS, 4, 60 * 25);   // ids 1-4: 25 h old
        rows(AuditStream.EXTS, 6, 5);         // ids 5-10: recent
        // the connector's host clock is 3 h behind: to it ids 1-4 look 22 h old, so it keeps their time, and Dynatrace,
        // whose clock is right, drops them
        connector = peers.connector(data, harbor.url(), dynatrace.url(), Map.of("harbor.audit.backfill", "true"),
                Clock.offset(Clock.systemUTC(), Duration.ofHours(-3)));

        assertThat(connector.runAuditCycle()).isEqualTo(CycleResult.DEAD_LETTERED);

        assertThat(deliveredIds()).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(dynatrace.logRecordsDropped()).isEqualTo(4);
        List<DeadLetter> letters = connector.connector().deadLetters().list(false);
        assertThat(letters).hasSize(1);
        DeadLetter letter = letters.get(0);
        assertThat(letter.sink()).isEqualTo("logs");
        assertThat(letter.records()).isEqualTo(4);
        assertThat(letter.statusCode()).isEqualTo(200);
        assertThat(letter.reason()).contains("dropped 4 of 10").contains("id 1:").contains("more than 24 h");
        JsonNode stored = json.readTree(letter.payload());
        assertThat(stored).extracting(r -> r.get("id").asLong()).containsExactly(1L, 2L, 3L, 4L);
        // kept without the timestamp, so a replay is stamped at ingest and accepted
        assertThat(stored).allMatch(r -> !r.has("timestamp") && r.has("audit.time"));
        assertThat(connector.connector().state().watermark("default", "audit-exts")).contains("10");

        assertThat(connector.runAuditCycle()).isEqualTo(CycleResult.DELIVERED);
        assertThat(deliveredIds()).hasSize(6);
    }

    @Test
    void aRobotWithoutTheAuditPermissionIsWarnedAboutOnce() throws Exception {
        harbor(NEW);
        rows(AuditStream.EXTS, 3, 5);
        registry.auditPermission(false);
        start(Map.of());
        try (LogCapture log = new LogCapture()) {
            assertThat(connector.runAuditCycle()).isEqualTo(CycleResult.DELIVERED);
            assertThat(connector.runAuditCycle()).isEqualTo(CycleResult.DELIVERED);
            String text = log.text();
            assertThat(text.split("audit-log: list", -1)).hasSize(2);
            assertThat(text).contains("WARN").contains("/auditlog-exts").contains("HARBOR_USERNAME");
        }
        assertThat(deliveredIds()).isEmpty();
    }

    @Test
    void hugeFieldsAreCutToDynatracesLimitsAndNeverRejected() throws Exception {
        harbor(NEW);
        String huge = "library/" + "x".repeat(100_000);
        registry.audit(AuditStream.EXTS, "admin", "delete", "repository", huge, "d".repeat(700_000), true, now.minusSeconds(30));
        registry.audit(AuditStream.EXTS, "ü".repeat(20_000), "login", "user", "bob", "login", false, now.minusSeconds(20));
        start(Map.of());

        assertThat(connector.runAuditCycle()).isEqualTo(CycleResult.DELIVERED);

        assertThat(dynatrace.logRecordsDropped()).isZero();
        assertThat(deliveredIds()).containsExactly(1L, 2L);
        JsonNode cut = dynatrace.logRecords().get(0);
        assertThat(bytes(cut.get("audit.action"))).isLessThanOrEqualTo(LogLimits.MAX_VALUE_BYTES);
        assertThat(cut.get("audit.action").asText()).startsWith("delete repository library/xxx").contains("cut by the connector");
        assertThat(bytes(cut.get("content"))).isLessThanOrEqualTo(LogLimits.MAX_CONTENT_BYTES);
        JsonNode failed = dynatrace.logRecords().get(1);
        assertThat(bytes(failed.get("audit.identity"))).isLessThanOrEqualTo(LogLimits.MAX_VALUE_BYTES);
        assertThat(failed.get("audit.result").asText()).isEqualTo("Failed");
    }

    @Test
    void thePreUpgradeHistoryIsReadOnceWhenAskedForThenOnlyTheNewTable() throws Exception {
        harbor(NEW);
        rows(AuditStream.LEGACY, 120, 60 * 24 * 90);
        rows(AuditStream.EXTS, 5, 10);
        start(Map.of("harbor.audit.legacy-history", "true"));

        assertThat(connector.runAuditCycle()).isEqualTo(CycleResult.DELIVERED);
        List<JsonNode> records = dynatrace.logRecords();
        assertThat(records).hasSize(125);
        assertThat(records.subList(0, 120)).extracting(r -> r.get("id").asLong())
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 120).boxed().toList());
        assertThat(records.get(0).get("content").asText()).doesNotContain("operation_result");
        assertThat(records.subList(120, 125)).allMatch(r -> r.get("content").asText().contains("operation_result"));

        int before = harbor.requestLog().size();
        start(Map.of("harbor.audit.legacy-history", "true"));
        assertThat(connector.runAuditCycle()).isEqualTo(CycleResult.DELIVERED);
        assertThat(harbor.requestLog().subList(before, harbor.requestLog().size())).noneMatch(p -> p.contains("/audit-logs"));
        assertThat(dynatrace.logRecords()).hasSize(125);
    }

    @Test
    void aTokenWithoutTheLogsScopeStopsOnlyTheAuditLogs() throws Exception {
        harbor(NEW);
        rows(AuditStream.EXTS, 5, 10);
        start(Map.of());
        dynatrace.respond(403, 1, null, "{\"error\":{\"code\":403,\"message\":\"Token is missing required scope\"}}");

        assertThat(connector.runAuditCycle()).isEqualTo(CycleResult.HALTED);

        assertThat(connector.connector().ledger().haltReason("default", io.github.harbordt.dynatrace.Sink.LOGS)).get()
                .asString().contains("logs.ingest").contains("DT_TOKEN");
        assertThat(connector.connector().ledger().haltReason("default", io.github.harbordt.dynatrace.Sink.SECURITY_EVENTS)).isEmpty();
        assertThat(connector.connector().state().watermark("default", "audit-exts")).isEmpty();
        assertThat(connector.connector().deadLetters().list(true)).isEmpty();
        assertThat(connector.runAuditCycle()).isEqualTo(CycleResult.HALTED);
    }

    private static int bytes(JsonNode text) {
        return text.asText().getBytes(StandardCharsets.UTF_8).length;
    }
}
