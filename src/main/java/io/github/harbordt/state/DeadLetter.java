package io.github.harbordt.state;

import java.time.Instant;

/**
 * One entry of the dead-letter store: what could not be delivered (or could not be mapped), when and why.
 *
 * @param sink       where the payload was going ({@code security.events}), or {@code rejected} for a Harbor record
 *                   that could not be mapped (kept for inspection, never replayed)
 * @param statusCode the HTTP status Dynatrace answered, null when there was no answer
 * @param payload    the JSON array of events (or the raw Harbor record) exactly as it would have been sent
 */
public record DeadLetter(long id, String instanceId, String sink, Instant createdAt, String reason, Integer statusCode,
                         int records, String payload, int attempts, Instant replayedAt) {

    public static final String REJECTED = "rejected";

    public boolean replayable() {
        return replayedAt == null && !REJECTED.equals(sink);
    }
}
