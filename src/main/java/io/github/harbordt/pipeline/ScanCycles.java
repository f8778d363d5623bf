package io.github.harbordt.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.harbordt.config.DynatraceSettings;
import io.github.harbordt.config.HarborInstance;
import io.github.harbordt.dynatrace.Sink;
import io.github.harbordt.exchange.ExchangeNames;
import io.github.harbordt.harbor.ArtifactSelector;
import io.github.harbordt.harbor.HarborUrls;
import io.github.harbordt.harbor.HarborRetryableException;
import io.github.harbordt.mapping.ScannedArtifact;
import io.github.harbordt.runtime.ImageAliases;
import io.github.harbordt.state.PendingArtifact;
import io.github.harbordt.state.PendingArtifactStore;
import io.github.harbordt.state.ScanRef;
import io.github.harbordt.state.StateStore;
import io.github.harbordt.state.StateStoreException;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.processor.aggregate.AggregateController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The steps of a scan cycle that the crawl routes call: where the window starts, which Harbor URL comes next, which
 * artifacts are new, and how the cycle ends. The watermark moves only when everything the cycle emitted settled.
 */
public class ScanCycles {

    private static final Logger LOG = LoggerFactory.getLogger(ScanCycles.class);

    private final StateStore store;
    private final DeliveryLedger ledger;
    private final AggregateController batcher;
    private final DynatraceSettings dynatrace;
    private final Duration deliveredScanRetention;
    private final Clock clock;
    /** The cycles running now, by instance: what {@link #progress} reports on. */
    private final Map<String, ScanCycle> active = new ConcurrentHashMap<>();
    private final CycleGuard guard;
    private final ImageAliases aliases;
    private final PendingArtifactStore pending;

    public ScanCycles(Map<String, HarborInstance> instances, StateStore store, DeliveryLedger ledger,
                      AggregateController batcher, DynatraceSettings dynatrace, Duration deliveredScanRetention,
                      ImageAliases aliases, PendingArtifactStore pending, Clock clock) {
        this.store = store;
        this.pending = pending;
        this.ledger = ledger;
        this.batcher = batcher;
        this.dynatrace = dynatrace;
        this.deliveredScanRetention = deliveredScanRetention;
        this.clock = clock;
        this.aliases = aliases;
        this.guard = new CycleGuard(instances, ledger, Sink.SECURITY_EVENTS, "cycle", instance -> true, clock);
    }

    /**
     * Opens a cycle for the instance named in the {@value ExchangeNames#INSTANCE} header; false when delivery is halted or the
     * instance's previous cycle still runs.
     */
    public boolean begin(Exchange exchange) {
        Optional<HarborInstance> opened = guard.open(exchange);
        if (opened.isEmpty()) {
            return false;
        }
        HarborInstance instance = opened.get();
        String id = instance.id();
        Instant now = clock.instant();
        Instant windowStart = store.watermark(id, StateStore.SCANS)
                .map(Instant::parse).map(w -> w.minus(instance.overlap()))
                .orElse(now.minus(instance.lookBack()));
        if (instance.backfill()) {
            windowStart = Instant.EPOCH;
        }
        ScanCycle cycle = ScanCycle.crawl(instance, windowStart, ledger.newCycle(id, Sink.SECURITY_EVENTS), now);
        exchange.setProperty(ExchangeNames.CYCLE, cycle);
        active.put(id, cycle);
        LOG.debug("Harbor '{}': cycle starts, scans completed after {}", id, windowStart);
        return true;
    }

    /**
     * A long cycle (a backfill, a big first crawl) says how far it got, once per {@code harbor.progress-interval}: a
     * cycle shorter than that stays quiet.
     */
    public void progress(long intervalMillis) {
        for (ScanCycle cycle : active.values()) {
            double seconds = cycle.seconds();
            if (seconds * 1000 < intervalMillis) {
                continue;
            }
            CycleStats s = cycle.stats();
            LOG.info("Harbor '{}' cycle in progress: artifacts_seen={} scans_new={} findings={} batches={} bytes={} "
                    + "harbor_requests={} rate={} findings/s elapsed={}s", cycle.instance().id(), s.artifactsSeen, s.scansNew,
                    s.findings, s.batches, s.bytes, s.harborRequests, Math.round(s.findings.get() / seconds), Math.round(seconds));
        }
    }

    public String projectsUrl(@ExchangeProperty(ExchangeNames.CYCLE) ScanCycle cycle) {
        return HarborUrls.of(cycle.instance()).projects();
    }

    /** Keeps the project if the filters want it, remembering its name and id for the artifacts below it. */
    public boolean project(Exchange exchange) {
        JsonNode project = exchange.getMessage().getBody(JsonNode.class);
        String name = project.path("name").asText("");
        if (name.isEmpty() || !ScanCycle.of(exchange).instance().projects().accepts(name)) {
            return false;
        }
        exchange.setProperty(ExchangeNames.PROJECT_NAME, name);
        exchange.setProperty(ExchangeNames.PROJECT_ID, project.hasNonNull("project_id") ? project.get("project_id").asText() : null);
        return true;
    }

    /** Since 2.12 one paged call lists a whole project; before that, repositories are listed first. */
    public boolean projectWideListing(@ExchangeProperty(ExchangeNames.CYCLE) ScanCycle cycle) {
        return cycle.version().hasProjectArtifactList();
    }

    public String projectArtifactsUrl(@ExchangeProperty(ExchangeNames.CYCLE) ScanCycle cycle, @ExchangeProperty(ExchangeNames.PROJECT_NAME) String project) {
        return HarborUrls.of(cycle.instance()).projectArtifacts(project);
    }

    public String repositoriesUrl(@ExchangeProperty(ExchangeNames.CYCLE) ScanCycle cycle, @ExchangeProperty(ExchangeNames.PROJECT_NAME) String project) {
        return HarborUrls.of(cycle.instance()).repositories(project);
    }

    /** Keeps the repository if the filters want it; the artifact list then only covers wanted repositories. */
    public boolean repository(@Body JsonNode repository, @ExchangeProperty(ExchangeNames.CYCLE) ScanCycle cycle) {
        String name = repository.path("name").asText("");
        return !name.isEmpty() && cycle.instance().repositories().accepts(name);
    }

    public String repositoryArtifactsUrl(Exchange exchange) {
        String project = exchange.getProperty(ExchangeNames.PROJECT_NAME, String.class);
        String repository = exchange.getMessage().getBody(JsonNode.class).path("name").asText();
        exchange.setProperty(ExchangeNames.REPOSITORY_NAME, repository);
        return HarborUrls.of(ScanCycle.of(exchange).instance()).repositoryArtifacts(project, repository);
    }

    public String reportUrl(@ExchangeProperty(ExchangeNames.ARTIFACT) ScannedArtifact a, @ExchangeProperty(ExchangeNames.CYCLE) ScanCycle cycle) {
        return HarborUrls.of(cycle.instance()).report(a.projectName(), a.repository(), a.digest());
    }

    /**
     * The artifact whose scan is to be delivered, or null when it is skipped, or its scan was already delivered or
     * is on its way. A webhook's scan that Harbor does not show as finished yet throws {@link ScanNotFinishedException}:
     * the webhook route looks again a little later.
     */
    public ScannedArtifact select(Exchange exchange) {
        ScanCycle cycle = ScanCycle.of(exchange);
        cycle.stats().artifactsSeen.incrementAndGet();
        JsonNode listed = exchange.getMessage().getBody(JsonNode.class);
        aliases.learn(listed);
        String listedRepository = exchange.getProperty(ExchangeNames.REPOSITORY_NAME, String.class);
        ArtifactSelector.Decision decision = cycle.selector().decide(listed,
                exchange.getProperty(ExchangeNames.PROJECT_ID, String.class), exchange.getProperty(ExchangeNames.PROJECT_NAME, String.class),
                listedRepository, cycle.windowStart(), cycle.webhook());
        if (!(decision instanceof ArtifactSelector.Selected selected)) {
            ArtifactSelector.Skipped skipped = (ArtifactSelector.Skipped) decision;
            cycle.stats().skipped(skipped.why());
            if (skipped.why() == ArtifactSelector.Skip.BEFORE_WINDOW) {
                cycle.listed(listed.path("digest").asText(), ArtifactSelector.repository(listed, listedRepository));
            }
            if (skipped.why() == ArtifactSelector.Skip.MALFORMED) {
                // not understood is not "nothing new": the cycle fails at its end and keeps its watermark
                cycle.unreadable(skipped.detail());
                LOG.warn("Harbor '{}': artifact cannot be read: {}", cycle.instance().id(), skipped.detail());
            } else if (cycle.webhook() && skipped.why() == ArtifactSelector.Skip.SCAN_NOT_FINISHED) {
                throw new ScanNotFinishedException(skipped.detail());
            } else if (cycle.webhook()) {
                LOG.info("Harbor '{}': webhook's artifact skipped: {} {}", cycle.instance().id(), skipped.why(), skipped.detail());
            }
            return null;
        }
        ScannedArtifact artifact = selected.artifact();
        cycle.listed(artifact.digest(), artifact.repository());
        if (cycle.triedPending(artifact)) {
            // its retry at the start of this cycle already delivered it, or kept it pending once more
            return null;
        }
        if (ledger.known(scanRef(cycle, artifact))) {
            cycle.stats().scansAlreadyDelivered.incrementAndGet();
            return null;
        }
        exchange.setProperty(ExchangeNames.ARTIFACT, artifact);
        return artifact;
    }

    /**
     * Whether a failure to read or understand one artifact's report should leave the artifact pending rather than fail
     * the cycle: Harbor errors and timeouts that outlived the retries, answers that are not JSON. A refused credential
     * or permission, or a state database that fails, concern every artifact and still fail the cycle.
     */
    public boolean pendable(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StateStoreException) {
                return false;
            }
            if (t instanceof HarborRetryableException || t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** Keeps the selected artifact pending with the failure: the cycle goes on with the others. */
    public void keepPending(@ExchangeProperty(ExchangeNames.CYCLE) ScanCycle cycle, @ExchangeProperty(ExchangeNames.ARTIFACT) ScannedArtifact a,
                            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable e, @ExchangeProperty(ExchangeNames.HARBOR_URL) String url) {
        String reason = e.getMessage() != null && e.getMessage().contains("/api/v2.0/") ? e.getMessage()
                : "GET " + url + ": " + e;
        PendingArtifact p = pending.failed(cycle.instance().id(), a.projectName(), a.projectId(), a.repository(), a.digest(),
                a.scan().reportId(), a.scan().endTime(), reason, clock.instant());
        cycle.stats().keptPending.incrementAndGet();
        LOG.warn("Harbor '{}': {}@{} kept pending (attempt {}), every next cycle tries it first: {}", cycle.instance().id(),
                a.repository(), a.digest(), p.attempts(), reason);
    }

    /** The instance's pending artifacts, tried before the crawl. */
    public List<PendingArtifact> pendingArtifacts(@ExchangeProperty(ExchangeNames.CYCLE) ScanCycle cycle) {
        List<PendingArtifact> list = pending.list(cycle.instance().id());
        list.forEach(p -> cycle.triedPending(p.repository(), p.digest()));
        return list;
    }

    /** The API URL of the pending artifact in the body; the listing's context is set as the crawl would have it. */
    public String pendingArtifactUrl(Exchange exchange) {
        PendingArtifact p = exchange.getMessage().getBody(PendingArtifact.class);
        exchange.setProperty(ExchangeNames.PENDING_ARTIFACT, p);
        exchange.setProperty(ExchangeNames.PROJECT_NAME, p.projectName());
        exchange.setProperty(ExchangeNames.PROJECT_ID, p.projectId());
        exchange.setProperty(ExchangeNames.REPOSITORY_NAME, p.repository());
        return HarborUrls.of(ScanCycle.of(exchange).instance()).artifact(p.projectName(), p.repository(), p.digest());
    }

    /**
     * The pending artifact as Harbor shows it now, to be delivered whatever the window; null when there is nothing to
     * deliver any more (its scan was delivered, or a scan still running supersedes it: the crawl sends that one).
     */
    public ScannedArtifact selectPending(Exchange exchange) {
        ScanCycle cycle = ScanCycle.of(exchange);
        PendingArtifact p = exchange.getProperty(ExchangeNames.PENDING_ARTIFACT, PendingArtifact.class);
        ArtifactSelector.Decision decision = cycle.selector().decide(exchange.getMessage().getBody(JsonNode.class),
                p.projectId(), p.projectName(), p.repository(), Instant.EPOCH, false);
        if (!(decision instanceof ArtifactSelector.Selected selected)) {
            LOG.info("Harbor '{}': pending {}@{} dropped: {} {}", cycle.instance().id(), p.repository(), p.digest(),
                    ((ArtifactSelector.Skipped) decision).why(), ((ArtifactSelector.Skipped) decision).detail());
            pending.remove(p.instanceId(), p.repository(), p.digest());
            return null;
        }
        ScannedArtifact artifact = selected.artifact();
        if (!artifact.scan().reportId().equals(p.reportId())) {
            LOG.info("Harbor '{}': pending {}@{} superseded by its newer scan {}", cycle.instance().id(), p.repository(),
                    p.digest(), artifact.scan().reportId());
        }
        if (ledger.known(scanRef(cycle, artifact))) {
            pending.remove(p.instanceId(), p.repository(), p.digest());
            return null;
        }
        exchange.setProperty(ExchangeNames.ARTIFACT, artifact);
        return artifact;
    }

    /** The pending artifact's scan reached the batcher (or the artifact is gone): it is pending no more. */
    public void pendingDone(@ExchangeProperty(ExchangeNames.PENDING_ARTIFACT) PendingArtifact p, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable gone) {
        if (gone != null) {
            LOG.info("Harbor '{}': pending {}@{} no longer exists in Harbor, dropped", p.instanceId(), p.repository(), p.digest());
        }
        pending.remove(p.instanceId(), p.repository(), p.digest());
    }

    /** Only a successful scan has a report to read; a failed or stopped one is sent as its scan event alone. */
    public boolean successful(@ExchangeProperty(ExchangeNames.ARTIFACT) ScannedArtifact artifact) {
        return artifact.scan().successful();
    }

    public static ScanRef scanRef(ScanCycle cycle, ScannedArtifact a) {
        return new ScanRef(cycle.instance().id(), a.repository(), a.digest(), a.scan().reportId(), a.scan().endTime());
    }

    /** Flushes the open batch, waits until everything settled, then moves the watermark. */
    public CycleResult finish(@ExchangeProperty(ExchangeNames.CYCLE) ScanCycle cycle) throws InterruptedException {
        String id = cycle.instance().id();
        batcher.forceCompletionOfGroup(id);
        boolean settled = ledger.awaitSettled(id, Sink.SECURITY_EVENTS, dynatrace.settleTimeout());
        CycleResult result;
        try (LogFields fields = LogFields.of(id, "scans", cycle.stats().summary() + " seconds=" + cycle.seconds())) {
            if (settled && !cycle.unreadable().isEmpty()) {
                result = CycleResult.FAILED;
                LOG.error("Harbor '{}' cycle failed, watermark kept, next cycle retries: {} scanned artifact(s) could not be "
                        + "read: {}; {} seconds={}", id, cycle.unreadable().size(), String.join("; ", cycle.unreadable()),
                        cycle.stats().summary(), String.format("%.1f", cycle.seconds()));
            } else if (settled && cycle.stats().scansElsewhere.get() > 0) {
                result = CycleResult.settled(cycle.stats());
                LOG.info("Harbor '{}' cycle {}, watermark kept: {} scan(s) on their way from another replica are read again "
                        + "next cycle: {} seconds={}", id, result.name().toLowerCase(), cycle.stats().scansElsewhere,
                        cycle.stats().summary(), String.format("%.1f", cycle.seconds()));
            } else if (settled) {
                store.saveWatermark(id, StateStore.SCANS, cycle.harborNow().toString());
                store.forgetDeliveredBefore(id, clock.instant().minus(deliveredScanRetention));
                result = CycleResult.settled(cycle.stats());
                LOG.info("Harbor '{}' cycle {}: {} seconds={} watermark={}", id, result.name().toLowerCase(),
                        cycle.stats().summary(), String.format("%.1f", cycle.seconds()), cycle.harborNow());
            } else {
                result = ledger.unsettledResult(id, Sink.SECURITY_EVENTS);
                LOG.error("Harbor '{}' cycle incomplete, watermark kept: {} seconds={} {}", id, cycle.stats().summary(),
                        String.format("%.1f", cycle.seconds()), ledger.whyUnsettled(id, Sink.SECURITY_EVENTS));
            }
        }
        active.remove(id);
        guard.close(id, result, null);
        return result;
    }

    /**
     * The cycle's alert-reduction funnel as Dynatrace metric lines: one gauge per step, so a chart shows the steps
     * side by side over time.
     */
    public String funnelLines(@ExchangeProperty(ExchangeNames.CYCLE) ScanCycle cycle) {
        CycleStats s = cycle.stats();
        String id = cycle.instance().id();
        long[] values = s.funnelCounts();
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            lines.append("harbor.connector.findings.funnel,harbor.instance=").append(id).append(",step=")
                    .append(CycleStats.FUNNEL_STEPS.get(i))
                    .append(" gauge,").append(values[i]).append('\n');
        }
        return lines.toString();
    }

    /** The crawl failed (after Harbor retries): keep the watermark, the next cycle reads the same window again. */
    public CycleResult abort(@ExchangeProperty(ExchangeNames.CYCLE) ScanCycle cycle, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception e) {
        String id = cycle.instance().id();
        batcher.forceCompletionOfGroup(id);
        String reason = SystemInfo.reason(cycle.instance(), e);
        try (LogFields fields = LogFields.of(id, "scans", cycle.stats().summary() + " seconds=" + cycle.seconds())) {
            LOG.error("Harbor '{}' cycle failed, watermark kept, next cycle retries: {} {} seconds={}", id,
                    reason, cycle.stats().summary(), String.format("%.1f", cycle.seconds()));
        }
        CycleResult result = CycleResult.of(e);
        active.remove(id);
        guard.close(id, result, reason);
        return result;
    }

    /** How the instance's scan cycles go, for the health checks. */
    public CycleGuard guard() {
        return guard;
    }

    /** What a cycle that {@link #begin} did not open counts as: halted delivery, or an overlap in service mode. */
    public CycleResult notStarted(Exchange exchange) {
        return guard.notStarted(exchange);
    }

}
