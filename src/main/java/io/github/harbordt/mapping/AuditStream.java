package io.github.harbordt.mapping;

/**
 * Harbor's two audit tables, each with its own id sequence and so its own high-water mark (harbor-api.md §8.1):
 * {@code /auditlog-exts} since 2.13, {@code /audit-logs} before it (on 2.13 and later it holds only older history).
 */
public enum AuditStream {
    EXTS("/auditlog-exts", "audit-exts"),
    LEGACY("/audit-logs", "audit-logs");

    private final String path;
    private final String watermark;

    AuditStream(String path, String watermark) {
        this.path = path;
        this.watermark = watermark;
    }

    /** Path below {@code /api/v2.0}. */
    public String path() {
        return path;
    }

    /** The stream name of its high-water mark in the state store. */
    public String watermark() {
        return watermark;
    }

    /** The table Harbor writes new rows to: the new one from 2.13 ({@code HarborVersion.hasAuditLogExts}). */
    public static AuditStream current(boolean auditLogExts) {
        return auditLogExts ? EXTS : LEGACY;
    }
}
