package io.github.harbordt.state;

/**
 * Where an outbound event came from, so the delivery ledger can record progress once the event settled: a scan is
 * marked delivered when its last event settled, an audit stream's high-water mark moves past a delivered row.
 */
public sealed interface EventOrigin permits ScanRef, AuditRef {
}
