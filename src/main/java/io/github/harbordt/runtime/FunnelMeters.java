package io.github.harbordt.runtime;

import io.github.harbordt.pipeline.CycleStats;
import io.github.harbordt.pipeline.ScanCycle;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The last cycle's funnel per instance as gauges ({@code harbor_connector_findings_funnel{instance, step}} on the
 * management port's {@code /observe/metrics}), in the Micrometer registry Camel's metrics service keeps. Without that
 * service (tests on a bare CamelContext) there is nothing to expose and nothing is recorded.
 */
public final class FunnelMeters {

    private static final String[] STEPS = {"all", "critical", "running", "production"};
    private final Map<String, AtomicLong[]> values = new ConcurrentHashMap<>();

    public void record(Exchange exchange) {
        MeterRegistry registry = exchange.getContext().getRegistry().findSingleByType(MeterRegistry.class);
        if (registry == null) {
            return;
        }
        ScanCycle cycle = ScanCycle.of(exchange);
        CycleStats s = cycle.stats();
        AtomicLong[] gauges = values.computeIfAbsent(cycle.instance().id(), id -> register(registry, id));
        long[] counts = {s.funnelAll.get(), s.funnelCritical.get(), s.funnelRunning.get(), s.funnelProduction.get()};
        for (int i = 0; i < STEPS.length; i++) {
            gauges[i].set(counts[i]);
        }
    }

    private static AtomicLong[] register(MeterRegistry registry, String instanceId) {
        AtomicLong[] gauges = new AtomicLong[STEPS.length];
        for (int i = 0; i < STEPS.length; i++) {
            gauges[i] = new AtomicLong();
            Gauge.builder("harbor.connector.findings.funnel", gauges[i], AtomicLong::get)
                    .description("Findings of the last scan cycle at each step: all, critical, critical running, critical in production")
                    .tag("instance", instanceId).tag("step", STEPS[i]).register(registry);
        }
        return gauges;
    }
}
