package io.github.harbordt.dynatrace;

import io.github.harbordt.state.EventOrigin;

/**
 * One event or log record, serialised once when it is mapped, so batching can bound requests by their exact byte size.
 *
 * @param origin the scan or audit row the record belongs to, or null (replayed dead letters), so delivery can record
 *               progress once the record settled
 */
public record OutboundEvent(byte[] json, EventOrigin origin) {
}
