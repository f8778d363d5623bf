package io.github.harbordt.state;

import java.time.Instant;

/**
 * A batch Dynatrace could not take for a while (429, 5xx, refused or reset connections, timeouts): kept durably and
 * sent again, with capped exponential backoff, until Dynatrace accepts it, refuses it on its merits, or it is older
 * than {@code dynatrace.outbox.max-age}.
 *
 * @param payload the JSON array of records exactly as it is sent
 */
public record OutboxEntry(long id, String instanceId, String sink, Instant createdAt, Instant nextAttemptAt, int attempts,
                          String lastError, int records, String payload) {
}
