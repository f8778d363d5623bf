package io.github.harbordt.mapping;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Maps one Harbor audit row ({@code AuditLog} or {@code AuditLogExt}) to a Dynatrace log record
 * (dynatrace-ingest.md §1.4), cut to Dynatrace's log limits.
 */
public final class AuditLogMapper {

    private final Map<String, String> extraAttributes;

    public AuditLogMapper(Map<String, String> extraAttributes) {
        this.extraAttributes = Map.copyOf(extraAttributes);
    }

    /** A row the mapper cannot place: it has no numeric id, so the high-water mark cannot pass it safely. */
    public static Optional<String> invalid(JsonNode row) {
        if (row == null || !row.isObject()) {
            return Optional.of("audit row is not a JSON object");
        }
        JsonNode id = row.get("id");
        if (id == null || !id.canConvertToLong() || !id.isIntegralNumber()) {
            return Optional.of("audit row without a numeric id");
        }
        return Optional.empty();
    }

    /**
     * The log record of a valid row ({@link #invalid} is empty).
     *
     * @param keepTimeAfter a row done after this keeps its operation time as {@code timestamp}; an older one is stamped
     *                      at ingest (Dynatrace drops records older than 24 h), its time staying in {@code audit.time}
     */
    public Map<String, Object> record(JsonNode row, AuditStream stream, String registry, Instant keepTimeAfter) {
        long id = row.get("id").asLong();
        String opTime = text(row, "op_time");
        Map<String, Object> r = new LinkedHashMap<>();
        Optional<Instant> at = HarborTime.parse(opTime);
        if (at.isPresent() && at.get().isAfter(keepTimeAfter)) {
            r.put("timestamp", at.get().toString());
        }
        r.put("event.id", EventIds.nameBased("harbor-audit", registry, stream.watermark(), Long.toString(id)));
        r.put("level", "INFO");
        r.put("log.source", "Harbor");
        r.put("content", row.toString());
        putIfPresent(r, "audit.identity", text(row, "username"));
        r.put("audit.action", action(row));
        putIfPresent(r, "audit.time", opTime);
        // only AuditLogExt (2.13+) records failures; the old table only ever held successful operations
        r.put("audit.result", row.path("operation_result").asBoolean(true) ? "Succeeded" : "Failed");
        r.put("id", id);
        r.put("harbor.registry", registry);
        extraAttributes.forEach(r::put);
        return LogLimits.fit(r);
    }

    /** {@code <operation> <resource_type> <resource>}, leaving out the parts Harbor left empty. */
    static String action(JsonNode row) {
        StringBuilder out = new StringBuilder();
        for (String field : new String[] {"operation", "resource_type", "resource"}) {
            String v = text(row, field);
            if (v != null && !v.isBlank()) {
                out.append(out.length() == 0 ? "" : " ").append(v);
            }
        }
        return out.toString();
    }

    private static String text(JsonNode row, String field) {
        JsonNode v = row.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static void putIfPresent(Map<String, Object> r, String key, String value) {
        if (value != null && !value.isEmpty()) {
            r.put(key, value);
        }
    }
}
