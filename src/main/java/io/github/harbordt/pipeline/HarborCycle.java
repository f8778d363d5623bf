package io.github.harbordt.pipeline;

import io.github.harbordt.config.HarborInstance;
import io.github.harbordt.exchange.ExchangeNames;
import io.github.harbordt.harbor.HarborCall;
import io.github.harbordt.harbor.HarborVersion;
import org.apache.camel.Exchange;

import java.time.Instant;

/**
 * One run against one Harbor instance (a scan crawl or an audit-log read), carried through the routes as an exchange
 * property, so the shared Harbor request routes know whom they call and where to count.
 */
public abstract class HarborCycle implements HarborCall {

    private final HarborInstance instance;
    private final CycleStats stats;
    private final long startedNanos = System.nanoTime();
    private volatile Instant harborNow;
    private volatile HarborVersion version;

    protected HarborCycle(HarborInstance instance, CycleStats stats, Instant localNow) {
        this.instance = instance;
        this.stats = stats;
        this.harborNow = localNow;
    }

    /** The cycle an exchange belongs to. */
    public static HarborCycle of(Exchange exchange) {
        return exchange.getProperty(ExchangeNames.CYCLE, HarborCycle.class);
    }

    @Override
    public HarborInstance instance() {
        return instance;
    }

    @Override
    public void requestMade() {
        stats.harborRequests.incrementAndGet();
    }

    public CycleStats stats() {
        return stats;
    }

    /** Harbor's clock when the cycle began (the local clock until {@code /systeminfo} answered). */
    public Instant harborNow() {
        return harborNow;
    }

    public HarborVersion version() {
        return version;
    }

    void harborInfo(HarborVersion version, Instant harborNow) {
        this.version = version;
        if (harborNow != null) {
            this.harborNow = harborNow;
        }
    }

    public double seconds() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
