package io.github.harbordt.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit record contract (dynatrace-ingest.md §1.4) and the log limits, without Camel. */
class AuditLogMapperTest {

    private final ObjectMapper json = new ObjectMapper();
    private final AuditLogMapper mapper = new AuditLogMapper(Map.of("dt.security_context", "registry-team"));
    private static final Instant KEEP_AFTER = Instant.parse("2025-10-13T12:00:00Z");

    private JsonNode row(String text) throws Exception {
        return json.readTree(text);
    }

    @Test
    void anAuditLogExtRowMapsToTheContract() throws Exception {
        String raw = "{\"id\":48213,\"op_time\":\"2025-10-14T09:11:58.000Z\",\"operation\":\"create\","
                + "\"operation_description\":\"push artifact: library/nginx@sha256:3a57\",\"operation_result\":true,"
                + "\"resource\":\"library/nginx@sha256:3a57\",\"resource_type\":\"artifact\",\"username\":\"robot$ci-pusher\"}";
        Map<String, Object> r = mapper.record(row(raw), AuditStream.EXTS, "harbor.example.com", KEEP_AFTER);

        assertThat(r).containsEntry("level", "INFO").containsEntry("log.source", "Harbor")
                .containsEntry("audit.identity", "robot$ci-pusher")
                .containsEntry("audit.action", "create artifact library/nginx@sha256:3a57")
                .containsEntry("audit.time", "2025-10-14T09:11:58.000Z")
                .containsEntry("audit.result", "Succeeded")
                .containsEntry("id", 48213L)
                .containsEntry("timestamp", "2025-10-14T09:11:58Z")
                .containsEntry("harbor.registry", "harbor.example.com")
                .containsEntry("dt.security_context", "registry-team");
        assertThat(json.readTree((String) r.get("content"))).isEqualTo(row(raw));
        // the same row always gets the same id; the same id in the other table does not
        assertThat(r.get("event.id")).isEqualTo(mapper.record(row(raw), AuditStream.EXTS, "harbor.example.com", KEEP_AFTER).get("event.id"));
        assertThat(r.get("event.id")).isNotEqualTo(mapper.record(row(raw), AuditStream.LEGACY, "harbor.example.com", KEEP_AFTER).get("event.id"));
    }

    @Test
    void failuresOldRowsAndTheLegacyTableMapToo() throws Exception {
        Map<String, Object> failed = mapper.record(row("{\"id\":7,\"op_time\":\"2025-10-14T09:00:00.000Z\",\"operation\":\"login\","
                + "\"operation_result\":false,\"resource\":\"mallory\",\"resource_type\":\"user\",\"username\":\"mallory\"}"),
                AuditStream.EXTS, "h", KEEP_AFTER);
        assertThat(failed).containsEntry("audit.result", "Failed").containsEntry("audit.action", "login user mallory");

        // older than Dynatrace accepts: ingest time stamps it, the operation time stays in audit.time
        Map<String, Object> legacy = mapper.record(row("{\"id\":3,\"op_time\":\"2023-01-02T03:04:05Z\",\"operation\":\"pull\","
                + "\"resource\":\"library/redis:7\",\"resource_type\":\"artifact\",\"username\":\"bob\"}"), AuditStream.LEGACY, "h", KEEP_AFTER);
        assertThat(legacy).doesNotContainKey("timestamp").containsEntry("audit.time", "2023-01-02T03:04:05Z")
                .containsEntry("audit.result", "Succeeded").containsEntry("audit.action", "pull artifact library/redis:7");

        // zero time, absent user and resource: omitted, not empty
        Map<String, Object> sparse = mapper.record(row("{\"id\":9,\"op_time\":\"0001-01-01T00:00:00Z\",\"operation\":\"delete\",\"username\":\"\"}"),
                AuditStream.EXTS, "h", KEEP_AFTER);
        assertThat(sparse).doesNotContainKeys("timestamp", "audit.identity").containsEntry("audit.action", "delete");
    }

    @Test
    void rowsWithoutANumericIdAreInvalid() throws Exception {
        assertThat(AuditLogMapper.invalid(row("{\"id\":12,\"operation\":\"pull\"}"))).isEmpty();
        assertThat(AuditLogMapper.invalid(row("{\"operation\":\"pull\"}"))).get().asString().contains("numeric id");
        assertThat(AuditLogMapper.invalid(row("{\"id\":\"12\"}"))).isPresent();
        assertThat(AuditLogMapper.invalid(row("[1]"))).isPresent();
    }

    @Test
    void longValuesAreCutOnACharacterBoundaryWithAMarkerAndThenFitTheLimits() throws Exception {
        String resource = "ü".repeat(40_000); // 80,000 bytes
        Map<String, Object> r = mapper.record(row("{\"id\":1,\"operation\":\"delete\",\"resource_type\":\"repository\",\"resource\":\""
                + resource + "\",\"operation_description\":\"" + "d".repeat(600_000) + "\"}"), AuditStream.EXTS, "h", KEEP_AFTER);
        String action = (String) r.get("audit.action");
        assertThat(action.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(LogLimits.MAX_VALUE_BYTES)
                .isGreaterThan(LogLimits.MAX_VALUE_BYTES - 100);
        assertThat(action).startsWith("delete repository üü").endsWith("bytes in all]").doesNotContain("\uFFFD");
        assertThat(((String) r.get("content")).getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(LogLimits.MAX_CONTENT_BYTES);
        assertThat(LogLimits.refusal(json.valueToTree(r), Instant.now())).isEmpty();
        assertThat(LogLimits.cut("short", 10)).isEqualTo("short");
    }

    @Test
    void refusalNamesTheLimitARecordBreaksByDynatracesClock() throws Exception {
        Instant dynatraceNow = Instant.parse("2025-10-15T12:00:00Z");
        assertThat(LogLimits.refusal(row("{\"timestamp\":\"2025-10-14T11:59:00Z\"}"), dynatraceNow)).get().asString()
                .contains("more than 24 h");
        assertThat(LogLimits.refusal(row("{\"timestamp\":\"2025-10-14T12:01:00Z\"}"), dynatraceNow)).isEmpty();
        assertThat(LogLimits.refusal(row("{\"a\":\"" + "x".repeat(40_000) + "\"}"), dynatraceNow)).get().asString().contains("value of a");
        assertThat(LogLimits.refusal(row("{\"" + "k".repeat(101) + "\":1}"), dynatraceNow)).get().asString().contains("attribute name");
    }
}
