package io.github.harbordt.dynatrace;

import io.github.harbordt.state.ScanRef;

/**
 * One event, serialised once when it is mapped, so batching can bound requests by their exact byte size.
 *
 * @param scan the scan the event belongs to, or null (replayed dead letters), so delivery can tell when every event
 *             of a scan has been delivered
 */
public record OutboundEvent(byte[] json, ScanRef scan) {
}
