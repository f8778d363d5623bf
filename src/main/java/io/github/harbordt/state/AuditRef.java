package io.github.harbordt.state;

/**
 * One Harbor audit row: its id in the stream (the audit table it was read from) of an instance.
 *
 * @param stream the watermark stream of that audit table, e.g. {@code audit-exts}
 */
public record AuditRef(String instanceId, String stream, long id) implements EventOrigin {
}
