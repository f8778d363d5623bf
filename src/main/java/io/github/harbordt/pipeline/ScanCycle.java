package io.github.harbordt.pipeline;

import io.github.harbordt.config.HarborInstance;
import io.github.harbordt.harbor.ArtifactSelector;
import io.github.harbordt.harbor.HarborVersion;
import org.apache.camel.Exchange;

import java.time.Instant;

/** One crawl of one Harbor instance: carried through the routes as an exchange property. */
public final class ScanCycle {

    /** Exchange property holding the cycle. */
    public static final String PROPERTY = "harborCycle";

    private final HarborInstance instance;
    private final Instant windowStart;
    private final CycleStats stats;
    private final ArtifactSelector selector;
    private final long startedNanos = System.nanoTime();
    private volatile Instant harborNow;
    private volatile HarborVersion version;

    public ScanCycle(HarborInstance instance, Instant windowStart, CycleStats stats, Instant localNow) {
        this.instance = instance;
        this.windowStart = windowStart;
        this.stats = stats;
        this.harborNow = localNow;
        this.selector = new ArtifactSelector(instance.registry(), instance.repositories());
    }

    /** The cycle an exchange of the crawl belongs to. */
    public static ScanCycle of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, ScanCycle.class);
    }

    public HarborInstance instance() {
        return instance;
    }

    public Instant windowStart() {
        return windowStart;
    }

    public CycleStats stats() {
        return stats;
    }

    public ArtifactSelector selector() {
        return selector;
    }

    /** Harbor's clock when the cycle began: the next watermark, so clock skew cannot hide a scan. */
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
