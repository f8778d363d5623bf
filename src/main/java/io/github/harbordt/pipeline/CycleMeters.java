package io.github.harbordt.pipeline;

import io.github.harbordt.harbor.ArtifactSelector;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

/**
 * What each scan cycle leaves in the Micrometer registry Camel's metrics service keeps (the management port's
 * {@code /observe/metrics}): the last cycle's funnel per instance as gauges
 * ({@code harbor_connector_findings_funnel{instance, step}}) and the artifacts the crawl did not deliver, by reason, as
 * counters ({@code harbor_connector_artifacts_skipped_total{instance, reason}}), and the artifacts kept pending after
 * it ({@code harbor_connector_pending_artifacts{instance}}). Without that service (tests on a bare CamelContext) there is
 * nothing to expose and nothing is recorded.
 */
public final class CycleMeters {

    private final Map<String, AtomicLong[]> funnels = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> pendingArtifacts = new ConcurrentHashMap<>();
    private final ToIntFunction<String> pendingCount;

    /** @param pendingCount the number of pending artifacts of an instance */
    public CycleMeters(ToIntFunction<String> pendingCount) {
        this.pendingCount = pendingCount;
    }

    public void record(Exchange exchange) {
        MeterRegistry registry = exchange.getContext().getRegistry().findSingleByType(MeterRegistry.class);
        if (registry == null) {
            return;
        }
        ScanCycle cycle = ScanCycle.of(exchange);
        CycleStats s = cycle.stats();
        String id = cycle.instance().id();
        AtomicLong[] gauges = funnels.computeIfAbsent(id, i -> registerFunnel(registry, i));
        long[] counts = s.funnelCounts();
        for (int i = 0; i < counts.length; i++) {
            gauges[i].set(counts[i]);
        }
        pendingArtifacts.computeIfAbsent(id, i -> {
            AtomicLong gauge = new AtomicLong();
            Gauge.builder("harbor.connector.pending.artifacts", gauge, AtomicLong::get)
                    .description("Scanned artifacts whose report could not be read, tried again by every cycle")
                    .tag("instance", i).register(registry);
            return gauge;
        }).set(pendingCount.applyAsInt(id));
        for (ArtifactSelector.Skip why : ArtifactSelector.Skip.values()) {
            // registered at zero too, so an alert on "malformed" has a series before the first one happens
            Counter.builder("harbor.connector.artifacts.skipped")
                    .description("Artifacts a scan cycle listed and did not deliver, by reason; malformed ones fail the cycle")
                    .tag("instance", id).tag("reason", why.name().toLowerCase(Locale.ROOT))
                    .register(registry).increment(s.skipCount(why));
        }
    }

    private static AtomicLong[] registerFunnel(MeterRegistry registry, String instanceId) {
        AtomicLong[] gauges = new AtomicLong[CycleStats.FUNNEL_STEPS.size()];
        for (int i = 0; i < gauges.length; i++) {
            gauges[i] = new AtomicLong();
            Gauge.builder("harbor.connector.findings.funnel", gauges[i], AtomicLong::get)
                    .description("Findings of the last scan cycle at each step: all, critical, critical running, critical in "
                            + "production, new in production")
                    .tag("instance", instanceId).tag("step", CycleStats.FUNNEL_STEPS.get(i)).register(registry);
        }
        return gauges;
    }
}
