package io.github.harbordt.dynatrace;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/** Reads the response headers delivery acts on, whatever the case the server spelled them in. */
public final class ResponseHeaders {

    private ResponseHeaders() {
    }

    /** {@code Retry-After} (seconds or HTTP date) in milliseconds to wait, or -1 when absent or unreadable. */
    public static long retryAfterMillis(Map<String, ?> headers, Instant now) {
        String text = first(headers, "Retry-After");
        if (text == null) {
            return -1;
        }
        try {
            return Math.max(0, Long.parseLong(text) * 1000);
        } catch (NumberFormatException notSeconds) {
            return httpDate(text).map(at -> Math.max(0, Duration.between(now, at).toMillis())).orElse(-1L);
        }
    }

    /** The server's clock from the {@code Date} header. */
    public static Optional<Instant> date(Map<String, ?> headers) {
        String text = first(headers, "Date");
        return text == null ? Optional.empty() : httpDate(text);
    }

    private static String first(Map<String, ?> headers, String name) {
        Object value = null;
        for (Map.Entry<String, ?> h : headers.entrySet()) {
            if (name.equalsIgnoreCase(h.getKey())) {
                value = h.getValue();
                break;
            }
        }
        if (value instanceof Iterable<?> list && list.iterator().hasNext()) {
            value = list.iterator().next();
        }
        return value == null ? null : value.toString().trim();
    }

    private static Optional<Instant> httpDate(String text) {
        try {
            return Optional.of(ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
