package io.github.harbordt.pipeline;

import io.github.harbordt.config.HarborInstance;
import io.github.harbordt.harbor.ArtifactSelector;
import org.apache.camel.Exchange;

import java.time.Instant;

/** One crawl of one Harbor instance's scans. Its {@link #harborNow()} becomes the next watermark. */
public final class ScanCycle extends HarborCycle {

    private final Instant windowStart;
    private final ArtifactSelector selector;

    public ScanCycle(HarborInstance instance, Instant windowStart, CycleStats stats, Instant localNow) {
        super(instance, stats, localNow);
        this.windowStart = windowStart;
        this.selector = new ArtifactSelector(instance.registry(), instance.repositories());
    }

    /** The scan cycle an exchange of the crawl belongs to. */
    public static ScanCycle of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, ScanCycle.class);
    }

    public Instant windowStart() {
        return windowStart;
    }

    public ArtifactSelector selector() {
        return selector;
    }
}
