package io.github.harbordt.pipeline;

import com.fasterxml.jackson.core.SerializableString;
import io.github.harbordt.config.DynatraceSettings;
import io.github.harbordt.dynatrace.Batch;
import io.github.harbordt.dynatrace.JsonEvents;
import io.github.harbordt.dynatrace.OutboundEvent;
import io.github.harbordt.dynatrace.Sink;
import io.github.harbordt.exchange.ExchangeNames;
import io.github.harbordt.harbor.ReportParser;
import io.github.harbordt.mapping.RiskLevel;
import io.github.harbordt.mapping.RuntimeContext;
import io.github.harbordt.mapping.ScannedArtifact;
import io.github.harbordt.mapping.SecurityEventMapper;
import io.github.harbordt.mapping.Vulnerability;
import io.github.harbordt.notify.Notifications;
import io.github.harbordt.runtime.RuntimeContexts;
import io.github.harbordt.state.DeadLetter;
import io.github.harbordt.state.DeadLetterStore;
import io.github.harbordt.state.ScanRef;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.util.ArrayList;
import java.util.List;

/**
 * The mapping processor of the scan path: turns an artifact and its vulnerability report into the scan event and one
 * finding event per vulnerability, each serialised once, handed on in chunks for the batcher. Records that cannot be
 * mapped go to the dead-letter store with their reason; the rest of the artifact still flows. The events are
 * registered with the ledger before they leave.
 */
public class ScanEventsProcessor implements Processor {

    private final SecurityEventMapper mapper;
    private final DeadLetterStore deadLetters;
    private final DeliveryLedger ledger;
    private final RuntimeContexts runtimes;
    private final Notifications notifications;
    private final long chunkBytes;
    private final int chunkRecords;

    /** @param settings the batch bounds, and the size of the chunks events are handed to the batcher in */
    public ScanEventsProcessor(SecurityEventMapper mapper, DeadLetterStore deadLetters,
                               DeliveryLedger ledger, RuntimeContexts runtimes, Notifications notifications,
                               DynatraceSettings settings) {
        this.mapper = mapper;
        this.deadLetters = deadLetters;
        this.ledger = ledger;
        this.runtimes = runtimes;
        this.notifications = notifications;
        this.chunkBytes = settings.chunkBytes();
        this.chunkRecords = settings.maxBatchRecords();
    }

    @Override
    public void process(Exchange exchange) throws InterruptedException {
        ScanCycle cycle = ScanCycle.of(exchange);
        ScannedArtifact artifact = exchange.getProperty(ExchangeNames.ARTIFACT, ScannedArtifact.class);
        // a successful scan's report, parsed as it was read (HarborRequests); null when the artifact was deleted first
        ReportParser.Report body = exchange.getMessage().getBody(ReportParser.Report.class);
        if (artifact.scan().successful() && body == null) {
            exchange.getMessage().setBody(List.of());
            return;
        }
        // a failed or stopped scan has no report: its scan event goes alone
        ReportParser.Report report = artifact.scan().successful() ? body : ReportParser.NONE;
        String instanceId = cycle.instance().id();
        ScannedArtifact scanned = artifact.scannedBy(report.scannerName(), report.scannerVendor());
        ScanRef scan = ScanCycles.scanRef(cycle, scanned);
        RuntimeContext runtime = runtimes.contextOf(scanned.digest(), scanned.repository());
        List<OutboundEvent> events = new ArrayList<>(report.vulnerabilities().size() + 1);
        JsonEvents json = new JsonEvents();
        events.add(new OutboundEvent(json.event(JsonEvents.NONE, e -> mapper.scan(scanned, runtime, e)), scan));
        SerializableString shared = json.shared(e -> mapper.findingShared(scanned, runtime, e));
        RiskLevel minimum = cycle.instance().minSeverity();
        boolean keep = cycle.instance().sendFindings().keeps(runtime, runtimes.productionStage());
        long below = 0;
        long filtered = 0;
        long critical = 0;
        for (Vulnerability v : report.vulnerabilities()) {
            RiskLevel risk = RiskLevel.ofSeverity(v.severity());
            if (risk == RiskLevel.CRITICAL) {
                critical++;
            }
            if (!risk.atLeast(minimum)) {
                below++;
            } else if (!keep) {
                filtered++;
            } else {
                events.add(new OutboundEvent(json.event(shared, e -> mapper.finding(scanned, v, e)), scan));
            }
        }
        DeliveryLedger.Opened opened = ledger.open(instanceId, scan, events.size());
        if (opened != DeliveryLedger.Opened.OPENED) {
            // the crawl and a webhook (or two webhooks, here or on another replica) met the same scan: the other sends it
            (opened == DeliveryLedger.Opened.KNOWN ? cycle.stats().scansAlreadyDelivered : cycle.stats().scansElsewhere)
                    .incrementAndGet();
            exchange.getMessage().setBody(List.of());
            return;
        }
        if (artifact.scan().successful() && !report.present()) {
            reject(cycle, "Harbor returned no vulnerability report for " + scanned.repository() + "@" + scanned.digest()
                    + " in the accepted formats although its scan succeeded; only the scan event is sent", "{}");
        }
        for (ReportParser.Rejected r : report.rejected()) {
            reject(cycle, r.reason() + " in " + scanned.repository() + "@" + scanned.digest(), r.raw());
        }
        Notifications.Recorded recorded = notifications.record(scanned, report.vulnerabilities(), runtime);
        cycle.stats().funnelNew.addAndGet(recorded.newFindings());
        cycle.stats().groupsResolved.addAndGet(recorded.resolvedGroups());
        cycle.stats().belowMinSeverity.addAndGet(below);
        cycle.stats().filteredByRuntime.addAndGet(filtered);
        countFunnel(cycle.stats(), report.vulnerabilities().size(), critical, runtime);
        cycle.stats().scansNew.incrementAndGet();
        cycle.stats().findings.addAndGet(events.size() - 1L);
        exchange.getMessage().setBody(Batch.chunks(instanceId, Sink.SECURITY_EVENTS, events, chunkBytes, chunkRecords));
    }

    private void countFunnel(CycleStats stats, long all, long critical, RuntimeContext runtime) {
        stats.funnelAll.addAndGet(all);
        stats.funnelCritical.addAndGet(critical);
        if (runtime != null && runtime.running()) {
            stats.funnelRunning.addAndGet(critical);
            if (runtime.runsIn(runtimes.productionStage())) {
                stats.funnelProduction.addAndGet(critical);
            }
        }
    }

    private void reject(ScanCycle cycle, String reason, String raw) {
        cycle.stats().rejected.incrementAndGet();
        deadLetters.save(cycle.instance().id(), DeadLetter.REJECTED, reason, null, 1, raw);
    }
}
