package io.github.harbordt.mapping;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Dynatrace's per-record log limits (dynatrace-ingest.md §5.2). {@link #fit} makes a record acceptable before it is
 * sent: long values are cut with a marker instead of letting Dynatrace drop the record. {@link #refusal} tells which
 * records of a batch Dynatrace dropped after a partial-success answer, which names none of them.
 */
public final class LogLimits {

    /** Bytes of one attribute value. */
    public static final int MAX_VALUE_BYTES = 32 * 1024;
    /** Bytes of {@code content}: the classic pipeline's limit, so the record fits both pipelines. */
    public static final int MAX_CONTENT_BYTES = 512 * 1024;
    public static final int MAX_ATTRIBUTES = 500;
    public static final int MAX_KEY_BYTES = 100;
    /** Records with an older {@code timestamp} are dropped. */
    public static final Duration MAX_AGE = Duration.ofHours(24);
    public static final int MAX_RECORDS = 50_000;
    public static final long MAX_REQUEST_BYTES = 10_000_000;

    private static final String MARKER = " …[cut by the connector: %d bytes in all]";

    private LogLimits() {
    }

    /** The record with every string value cut to its limit; attributes beyond the limit dropped (last ones first). */
    public static Map<String, Object> fit(Map<String, Object> record) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : record.entrySet()) {
            if (out.size() >= MAX_ATTRIBUTES) {
                break;
            }
            Object v = e.getValue();
            int max = "content".equals(e.getKey()) ? MAX_CONTENT_BYTES : MAX_VALUE_BYTES;
            out.put(e.getKey(), v instanceof String s ? cut(s, max) : v);
        }
        return out;
    }

    /** {@code text} within {@code maxBytes} of UTF-8, ending with a marker that gives the original size when cut. */
    public static String cut(String text, int maxBytes) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return text;
        }
        String marker = String.format(MARKER, bytes.length);
        int keep = maxBytes - marker.getBytes(StandardCharsets.UTF_8).length;
        // back off to the start of a UTF-8 character
        while (keep > 0 && (bytes[keep] & 0xC0) == 0x80) {
            keep--;
        }
        return new String(bytes, 0, keep, StandardCharsets.UTF_8) + marker;
    }

    /** Why Dynatrace, whose clock read {@code dynatraceNow}, drops this record; empty when it fits every limit. */
    public static Optional<String> refusal(JsonNode record, Instant dynatraceNow) {
        if (!record.isObject()) {
            return Optional.of("not a JSON object");
        }
        if (record.size() > MAX_ATTRIBUTES) {
            return Optional.of(record.size() + " attributes, more than " + MAX_ATTRIBUTES);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = record.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
                return Optional.of("attribute name longer than " + MAX_KEY_BYTES + " bytes");
            }
            int max = "content".equals(e.getKey()) ? MAX_CONTENT_BYTES : MAX_VALUE_BYTES;
            if (e.getValue().isTextual() && e.getValue().asText().getBytes(StandardCharsets.UTF_8).length > max) {
                return Optional.of("value of " + e.getKey() + " longer than " + max + " bytes");
            }
        }
        JsonNode timestamp = record.get("timestamp");
        if (timestamp != null && timestamp.isTextual()) {
            try {
                Instant t = Instant.parse(timestamp.asText());
                if (t.isBefore(dynatraceNow.minus(MAX_AGE))) {
                    return Optional.of("timestamp " + t + " is more than 24 h before Dynatrace's clock (" + dynatraceNow + ")");
                }
            } catch (DateTimeParseException e) {
                return Optional.of("unreadable timestamp " + timestamp.asText());
            }
        }
        return Optional.empty();
    }
}
