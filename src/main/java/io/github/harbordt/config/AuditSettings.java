package io.github.harbordt.config;

import java.time.Duration;

/**
 * How one instance's audit log is read: keys {@code harbor[.<id>].audit.*}, documented in config/application.properties.
 *
 * @param legacyHistory on Harbor 2.13 and later, also read the pre-upgrade rows of {@code /audit-logs} once
 * @param maxRowsPerCycle rows read per cycle at most; a backfill of millions of rows goes on in the next cycles
 * @param timestampMaxAge rows younger than this keep their operation time as the record's timestamp
 */
public record AuditSettings(boolean enabled, String cron, Duration interval, Duration lookBack, boolean backfill,
                            boolean legacyHistory, int pageSize, int maxRowsPerCycle, Duration timestampMaxAge) {

    static AuditSettings load(Settings s) {
        int pageSize = s.integer("audit.page-size");
        if (pageSize < 1 || pageSize > HarborInstance.MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("harbor.audit.page-size must be between 1 and 100; was " + pageSize);
        }
        Duration maxAge = s.duration("audit.timestamp-max-age");
        if (maxAge.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException("harbor.audit.timestamp-max-age must be at most 24h (Dynatrace drops older "
                    + "records); was " + maxAge);
        }
        return new AuditSettings(s.bool("audit.enabled"), s.string("audit.cron"), s.duration("audit.interval"),
                s.duration("audit.look-back"), s.bool("audit.backfill"), s.bool("audit.legacy-history"),
                pageSize, Math.max(pageSize, s.integer("audit.max-rows-per-cycle")), maxAge);
    }

    public String quartzSchedule() {
        return HarborInstance.quartzSchedule(cron, interval);
    }
}
