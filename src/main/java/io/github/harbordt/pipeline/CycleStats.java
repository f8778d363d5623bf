package io.github.harbordt.pipeline;

import io.github.harbordt.harbor.ArtifactSelector;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of one instance's current scan or audit cycle, logged as its summary line. */
public final class CycleStats {
    public final AtomicLong artifactsSeen = new AtomicLong();
    public final AtomicLong scansNew = new AtomicLong();
    public final AtomicLong scansAlreadyDelivered = new AtomicLong();
    public final AtomicLong findings = new AtomicLong();
    public final AtomicLong belowMinSeverity = new AtomicLong();
    public final AtomicLong batches = new AtomicLong();
    public final AtomicLong bytes = new AtomicLong();
    public final AtomicLong deadLettered = new AtomicLong();
    /** Scanned artifacts whose report could not be read this cycle, kept pending for the next ones. */
    public final AtomicLong keptPending = new AtomicLong();
    /** Scans another replica was delivering: they settle there, so this cycle keeps its watermark. */
    public final AtomicLong scansElsewhere = new AtomicLong();
    /** Records Dynatrace could not take for a while, kept in the outbox for a later attempt. */
    public final AtomicLong queued = new AtomicLong();
    public final AtomicLong rejected = new AtomicLong();
    public final AtomicLong harborRequests = new AtomicLong();
    public final AtomicLong auditRows = new AtomicLong();
    /** Log records Dynatrace dropped from batches it otherwise kept (partial success); dead-lettered. */
    public final AtomicLong refused = new AtomicLong();

    /** The steps of the alert-reduction funnel, as the log line, the metrics and the dashboard name them. */
    public static final List<String> FUNNEL_STEPS = List.of("all", "critical", "running", "production", "new");

    /**
     * The alert-reduction funnel over every finding read: all, critical, critical running, critical in production, and
     * of those the ones whose vulnerability group was first seen in production within notifications.new-within.
     */
    public final AtomicLong funnelAll = new AtomicLong();
    public final AtomicLong funnelCritical = new AtomicLong();
    public final AtomicLong funnelRunning = new AtomicLong();
    public final AtomicLong funnelProduction = new AtomicLong();
    public final AtomicLong funnelNew = new AtomicLong();
    /** Vulnerability groups whose last image in production no longer reports them in its newest scan. */
    public final AtomicLong groupsResolved = new AtomicLong();
    /** Findings not sent because of harbor.send-findings. */
    public final AtomicLong filteredByRuntime = new AtomicLong();

    private final Map<ArtifactSelector.Skip, AtomicLong> skipped = new EnumMap<>(ArtifactSelector.Skip.class);

    public CycleStats() {
        for (ArtifactSelector.Skip why : ArtifactSelector.Skip.values()) {
            skipped.put(why, new AtomicLong());
        }
    }

    public void skipped(ArtifactSelector.Skip why) {
        skipped.get(why).incrementAndGet();
    }

    public long skipCount(ArtifactSelector.Skip why) {
        return skipped.get(why).get();
    }

    /** Artifacts not delivered, by reason: {@code skipped=not_image:2,before_window:14}, or {@code skipped=0}. */
    public String skips() {
        StringBuilder s = new StringBuilder();
        skipped.forEach((why, n) -> {
            if (n.get() > 0) {
                s.append(s.length() == 0 ? "" : ",").append(why.name().toLowerCase(Locale.ROOT)).append(':').append(n.get());
            }
        });
        return "skipped=" + (s.length() == 0 ? "0" : s);
    }

    public String summary() {
        return "artifacts_seen=" + artifactsSeen + " scans_new=" + scansNew + " scans_already_delivered="
                + scansAlreadyDelivered + " " + skips() + " kept_pending=" + keptPending + " scans_on_other_replica=" + scansElsewhere + " findings=" + findings + " below_min_severity=" + belowMinSeverity
                + " filtered_by_runtime=" + filteredByRuntime + " batches=" + batches + " bytes=" + bytes
                + " dead_lettered=" + deadLettered + " queued_for_retry=" + queued + " rejected_records=" + rejected
                + " harbor_requests=" + harborRequests + " " + funnel() + " resolved_groups=" + groupsResolved;
    }

    /** One count per {@link #FUNNEL_STEPS} step. */
    public long[] funnelCounts() {
        return new long[] {funnelAll.get(), funnelCritical.get(), funnelRunning.get(), funnelProduction.get(), funnelNew.get()};
    }

    /** all → critical → critical on running containers → critical in production → new in production. */
    public String funnel() {
        StringBuilder s = new StringBuilder("funnel=");
        for (long n : funnelCounts()) {
            s.append(s.length() == 7 ? "" : ">").append(n);
        }
        return s.toString();
    }

    /** A webhook's check: its events join the instance's batches, so batches and bytes are the crawl line's. */
    public String webhookSummary() {
        return "scans_new=" + scansNew + " scans_already_delivered=" + scansAlreadyDelivered + " scans_on_other_replica="
                + scansElsewhere + " findings=" + findings + " below_min_severity=" + belowMinSeverity
                + " filtered_by_runtime=" + filteredByRuntime + " rejected_records=" + rejected + " harbor_requests=" + harborRequests + " " + funnel();
    }

    public String auditSummary() {
        return "audit_rows=" + auditRows + " batches=" + batches + " bytes=" + bytes + " refused_by_dynatrace=" + refused
                + " dead_lettered=" + deadLettered + " queued_for_retry=" + queued + " rejected_records=" + rejected + " harbor_requests=" + harborRequests;
    }
}
