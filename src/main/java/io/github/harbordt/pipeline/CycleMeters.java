package io.github.harbordt.pipeline;

import io.github.harbordt.dynatrace.Outbox;
import io.github.harbordt.dynatrace.Sink;
import io.github.harbordt.exchange.ExchangeNames;
import io.github.harbordt.harbor.ArtifactSelector;
import io.github.harbordt.state.DeadLetterStore;
import io.github.harbordt.state.PendingArtifactStore;
import io.github.harbordt.state.StateStore;
import io.github.harbordt.state.StateStoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Body;
import org.apache.camel.CamelContext;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * What the cycles leave in the Micrometer registry Camel's metrics service keeps (the management port's
 * {@code /observe/metrics}, Prometheus names; README, "Health and metrics" lists every series). Every series carries
 * the label {@code harbor_instance} (Prometheus sets {@code instance} itself, to the scraped target). Without that
 * service (tests on a bare CamelContext) there is nothing to expose and nothing is recorded.
 */
public final class CycleMeters {

    /** The label naming the Harbor instance. */
    public static final String INSTANCE_TAG = "harbor_instance";

    private final Map<String, AtomicLong[]> funnels = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();
    private final Set<String> stateGauges = ConcurrentHashMap.newKeySet();
    private final StateStore state;
    private final PendingArtifactStore pending;
    private final Outbox outbox;
    private final DeadLetterStore deadLetters;
    private final Clock clock;

    public CycleMeters(StateStore state, PendingArtifactStore pending, Outbox outbox, DeadLetterStore deadLetters, Clock clock) {
        this.state = state;
        this.pending = pending;
        this.outbox = outbox;
        this.deadLetters = deadLetters;
        this.clock = clock;
    }

    /** A scan cycle ended (or did not start): its outcome and what it delivered. */
    public void scans(CamelContext context, @Header(ExchangeNames.INSTANCE) String instanceId, @Body CycleResult result,
                      @ExchangeProperty(ExchangeNames.CYCLE) HarborCycle cycle) {
        MeterRegistry registry = ended(context, instanceId, "scans", result, cycle);
        if (registry != null && cycle != null) {
            CycleStats s = cycle.stats();
            counter(registry, "harbor.connector.scans.delivered", "Scans delivered (their scan events settled)", instanceId)
                    .increment(s.scansNew.get());
            counter(registry, "harbor.connector.findings.delivered", "Finding events delivered", instanceId)
                    .increment(s.findings.get());
            for (ArtifactSelector.Skip why : ArtifactSelector.Skip.values()) {
                // registered at zero too, so an alert on "malformed" has a series before the first one happens
                Counter.builder("harbor.connector.artifacts.skipped")
                        .description("Artifacts a scan cycle listed and did not deliver, by reason; malformed ones fail the cycle")
                        .tag(INSTANCE_TAG, instanceId).tag("reason", why.name().toLowerCase(Locale.ROOT))
                        .register(registry).increment(s.skipCount(why));
            }
        }
    }

    /** An audit-log cycle ended (or did not start). */
    public void audit(CamelContext context, @Header(ExchangeNames.INSTANCE) String instanceId, @Body CycleResult result,
                      @ExchangeProperty(ExchangeNames.CYCLE) HarborCycle cycle) {
        MeterRegistry registry = ended(context, instanceId, "audit", result, cycle);
        if (registry != null && cycle != null) {
            counter(registry, "harbor.connector.audit.rows.delivered", "Audit log records delivered", instanceId)
                    .increment(cycle.stats().auditRows.get());
        }
    }

    /** The last scan cycle's funnel, per step. */
    public void funnel(CamelContext context, @Header(ExchangeNames.INSTANCE) String instanceId,
                       @ExchangeProperty(ExchangeNames.CYCLE) ScanCycle cycle) {
        MeterRegistry registry = registry(context);
        if (registry == null) {
            return;
        }
        AtomicLong[] gauges = funnels.computeIfAbsent(instanceId, i -> registerFunnel(registry, i));
        long[] counts = cycle.stats().funnelCounts();
        for (int i = 0; i < counts.length; i++) {
            gauges[i].set(counts[i]);
        }
    }

    /** What every cycle records; returns the registry, or null when there is none to record into. */
    private MeterRegistry ended(CamelContext context, String instanceId, String kind, CycleResult result, HarborCycle cycle) {
        MeterRegistry registry = registry(context);
        if (registry == null) {
            return null;
        }
        Counter.builder("harbor.connector.cycles").description("Cycles by kind (scans, audit) and outcome (README, exit statuses)")
                .tag(INSTANCE_TAG, instanceId).tag("kind", kind).tag("outcome", result.name().toLowerCase(Locale.ROOT))
                .register(registry).increment();
        AtomicLong success = lastSuccess.computeIfAbsent(instanceId + "/" + kind, k -> {
            AtomicLong seconds = new AtomicLong();
            Gauge.builder("harbor.connector.last.success.timestamp", seconds, AtomicLong::get).baseUnit("seconds")
                    .description("When the last cycle that delivered everything ended (Unix time); 0 before the first")
                    .tag(INSTANCE_TAG, instanceId).tag("kind", kind).register(registry);
            return seconds;
        });
        if (result == CycleResult.DELIVERED || result == CycleResult.DEAD_LETTERED || result == CycleResult.PENDING) {
            success.set(clock.instant().getEpochSecond());
        }
        if (cycle != null) {
            CycleStats s = cycle.stats();
            Sink sink = "audit".equals(kind) ? Sink.LOGS : Sink.SECURITY_EVENTS;
            Counter.builder("harbor.connector.sent").baseUnit("bytes").description("Bytes Dynatrace accepted")
                    .tag(INSTANCE_TAG, instanceId).tag("sink", sink.id()).register(registry).increment(s.bytes.get());
            counter(registry, "harbor.connector.records.dead.lettered", "Records put in the dead-letter store", instanceId)
                    .increment(s.deadLettered.get());
            counter(registry, "harbor.connector.records.refused", "Records Dynatrace refused on their merits", instanceId)
                    .increment(s.refused.get());
            counter(registry, "harbor.connector.harbor.requests", "Requests made to Harbor by the cycles", instanceId)
                    .increment(s.harborRequests.get());
        }
        if (stateGauges.add(instanceId)) {
            stateGauge(registry, "harbor.connector.watermark.age", "seconds",
                    "How far the scan crawl's watermark lags behind now; grows while cycles fail", instanceId,
                    id -> state.watermark(id, StateStore.SCANS).map(this::ageSeconds).orElse(Double.NaN));
            stateGauge(registry, "harbor.connector.pending.artifacts", null,
                    "Scanned artifacts whose report could not be read, tried again by every cycle", instanceId, pending::count);
            stateGauge(registry, "harbor.connector.outbox.batches", null,
                    "Batches Dynatrace could not take for a while, sent again automatically", instanceId,
                    id -> outbox.waiting(id, Sink.SECURITY_EVENTS) + outbox.waiting(id, Sink.LOGS));
            stateGauge(registry, "harbor.connector.dead.letters.pending.records", null,
                    "Records in the dead-letter store waiting for a replay", instanceId, deadLetters::pendingRecords);
        }
        return registry;
    }

    private double ageSeconds(String watermark) {
        try {
            return Duration.between(Instant.parse(watermark), clock.instant()).toMillis() / 1000.0;
        } catch (DateTimeParseException e) {
            return Double.NaN;
        }
    }

    /** A gauge read from the state database at each scrape; NaN while the database cannot be read. */
    private static void stateGauge(MeterRegistry registry, String name, String unit, String description, String instanceId,
                                   ToDoubleFunction<String> read) {
        // a strong reference: the instance id would otherwise be the gauge's only (weak) hold on its function
        Gauge.builder(name, instanceId, id -> {
            try {
                return read.applyAsDouble(id);
            } catch (StateStoreException e) {
                return Double.NaN;
            }
        }).strongReference(true).baseUnit(unit).description(description).tag(INSTANCE_TAG, instanceId).register(registry);
    }

    private static Counter counter(MeterRegistry registry, String name, String description, String instanceId) {
        return Counter.builder(name).description(description).tag(INSTANCE_TAG, instanceId).register(registry);
    }

    private static MeterRegistry registry(CamelContext context) {
        return context.getRegistry().findSingleByType(MeterRegistry.class);
    }

    private static AtomicLong[] registerFunnel(MeterRegistry registry, String instanceId) {
        AtomicLong[] gauges = new AtomicLong[CycleStats.FUNNEL_STEPS.size()];
        for (int i = 0; i < gauges.length; i++) {
            gauges[i] = new AtomicLong();
            Gauge.builder("harbor.connector.findings.funnel", gauges[i], AtomicLong::get)
                    .description("Findings of the last scan cycle at each step: all, critical, critical running, critical in "
                            + "production, new in production")
                    .tag(INSTANCE_TAG, instanceId).tag("step", CycleStats.FUNNEL_STEPS.get(i)).register(registry);
        }
        return gauges;
    }
}
