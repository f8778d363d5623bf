package io.github.harbordt.state;

import java.time.Instant;

/**
 * A scanned artifact whose report could not be read or understood after the cycle's retries (Harbor 500s, timeouts,
 * malformed JSON): the cycle delivered the rest and moved on; every later cycle tries this one first, and a newer scan
 * of the artifact supersedes it.
 *
 * @param reason the last failure, with the URL that failed
 */
public record PendingArtifact(String instanceId, String projectName, String projectId, String repository, String digest,
                              String reportId, String endTime, String reason, int attempts, Instant firstFailedAt,
                              Instant lastFailedAt) {
}
