package io.github.harbordt.runtime;

import io.github.harbordt.mapping.RuntimeContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The connector's current picture of what runs where: refreshed from every cluster on a schedule
 * ({@code runtime.refresh-interval}), asked for each scanned image. A cluster that cannot be listed keeps the findings
 * flowing, marked UNKNOWN, and is reported once per new problem rather than on every refresh.
 */
public final class RuntimeContexts implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeContexts.class);

    private final List<InventorySource> sources;
    private final String productionStage;
    private final Duration firstListingWait;
    private final ImageAliases aliases = new ImageAliases();
    private final CountDownLatch firstListing = new CountDownLatch(1);
    private final Map<String, String> reportedProblems = new ConcurrentHashMap<>();
    private volatile RuntimeInventory current;

    public RuntimeContexts(List<InventorySource> sources, String productionStage, Duration firstListingWait) {
        this.sources = List.copyOf(sources);
        this.productionStage = productionStage;
        this.firstListingWait = firstListingWait;
        this.current = RuntimeInventory.notListedYet(sources.stream().map(InventorySource::cluster).toList());
    }

    /** No cluster configured: events carry no runtime fields. */
    public static RuntimeContexts off() {
        return new RuntimeContexts(List.of(), "production", Duration.ZERO);
    }

    public boolean enabled() {
        return !sources.isEmpty();
    }

    public String productionStage() {
        return productionStage;
    }

    public ImageAliases aliases() {
        return aliases;
    }

    /** Lists every cluster and replaces the inventory. */
    public void refresh() {
        long started = System.nanoTime();
        RuntimeInventory.Builder builder = new RuntimeInventory.Builder();
        for (InventorySource source : sources) {
            try {
                RuntimeInventory.ClusterListing listing = builder.cluster(source.cluster(), source.stages());
                source.list(listing);
                builder.listed(listing);
                if (reportedProblems.remove(source.cluster()) != null) {
                    LOG.info("Runtime inventory: cluster '{}' is listed again", source.cluster());
                }
            } catch (Exception e) {
                String problem = e.getMessage() == null ? e.toString() : e.getMessage();
                builder.unlisted(source.cluster(), problem);
                if (!problem.equals(reportedProblems.put(source.cluster(), problem))) {
                    LOG.warn("Runtime inventory: {}. Findings keep flowing with runtime.status UNKNOWN until it is listed.",
                            problem);
                }
            }
        }
        current = builder.build();
        firstListing.countDown();
        RuntimeInventory.Stats s = current.stats();
        LOG.info("Runtime inventory: clusters={} unlisted={} pods={} running_containers={} image_digests={} unresolved_tags={} seconds={}",
                sources.size(), current.unlistedClusters().keySet(), s.pods(), s.runningContainers(), s.digests(),
                s.unresolved(), String.format("%.1f", (System.nanoTime() - started) / 1e9));
    }

    /**
     * Where the image runs, or null when no cluster is configured. The first cycle after start waits for the first
     * listing, at most {@code runtime.first-listing-wait}, rather than calling every image UNKNOWN.
     */
    public RuntimeContext contextOf(String digest, String repository) throws InterruptedException {
        if (!enabled()) {
            return null;
        }
        if (firstListing.getCount() > 0 && !firstListing.await(firstListingWait.toMillis(), TimeUnit.MILLISECONDS)) {
            return RuntimeContext.unknown();
        }
        return current.contextOf(digest, aliases.of(digest), repository);
    }

    @Override
    public void close() {
        sources.forEach(InventorySource::close);
    }
}
