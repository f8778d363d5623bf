package io.github.harbordt.dynatrace;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

/** Reads {@code Retry-After} (seconds or HTTP date), whatever the case the server spelled the header in. */
public final class RetryAfter {

    private RetryAfter() {
    }

    /** Milliseconds to wait, or -1 when the header is absent or unreadable. */
    public static long millis(Map<String, ?> headers, Instant now) {
        Object value = null;
        for (Map.Entry<String, ?> h : headers.entrySet()) {
            if ("Retry-After".equalsIgnoreCase(h.getKey())) {
                value = h.getValue();
                break;
            }
        }
        if (value instanceof Iterable<?> list && list.iterator().hasNext()) {
            value = list.iterator().next();
        }
        if (value == null) {
            return -1;
        }
        String text = value.toString().trim();
        try {
            return Math.max(0, Long.parseLong(text) * 1000);
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, Duration.between(now, at.toInstant()).toMillis());
            } catch (DateTimeParseException notDate) {
                return -1;
            }
        }
    }
}
