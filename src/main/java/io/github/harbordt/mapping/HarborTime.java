package io.github.harbordt.mapping;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Harbor timestamps: RFC 3339 with 3 (API) or up to 9 (webhook) fraction digits; year 1 means "not set". */
public final class HarborTime {

    private HarborTime() {
    }

    public static Optional<Instant> parse(String text) {
        if (text == null || text.isBlank() || text.startsWith("0001-01-01")) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
