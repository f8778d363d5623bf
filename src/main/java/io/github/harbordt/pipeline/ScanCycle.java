package io.github.harbordt.pipeline;

import io.github.harbordt.config.HarborInstance;
import io.github.harbordt.exchange.ExchangeNames;
import io.github.harbordt.harbor.ArtifactSelector;
import io.github.harbordt.mapping.ScannedArtifact;
import org.apache.camel.Exchange;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One crawl of one Harbor instance's scans, or the check of the artifacts one webhook names. A crawl's
 * {@link #harborNow()} becomes the next watermark; a webhook's check has no window and moves no watermark.
 */
public final class ScanCycle extends HarborCycle {

    private final Instant windowStart;
    private final boolean webhook;
    private final ArtifactSelector selector;
    private final Map<String, String> scannedImages = new ConcurrentHashMap<>();
    private final Queue<String> unreadable = new ConcurrentLinkedQueue<>();
    private final Set<String> triedPending = ConcurrentHashMap.newKeySet();

    private ScanCycle(HarborInstance instance, Instant windowStart, boolean webhook, CycleStats stats, Instant localNow) {
        super(instance, stats, localNow);
        this.windowStart = windowStart;
        this.webhook = webhook;
        this.selector = new ArtifactSelector(instance.registry(), instance.repositories());
    }

    public static ScanCycle crawl(HarborInstance instance, Instant windowStart, CycleStats stats, Instant localNow) {
        return new ScanCycle(instance, windowStart, false, stats, localNow);
    }

    /** A webhook names the artifacts: any finished scan of theirs is news, failed and stopped ones included. */
    public static ScanCycle webhook(HarborInstance instance, CycleStats stats, Instant localNow) {
        return new ScanCycle(instance, Instant.EPOCH, true, stats, localNow);
    }

    /** The scan cycle an exchange of the crawl belongs to. */
    public static ScanCycle of(Exchange exchange) {
        return exchange.getProperty(ExchangeNames.CYCLE, ScanCycle.class);
    }

    public Instant windowStart() {
        return windowStart;
    }

    /** Whether this is a webhook's check rather than a scheduled crawl. */
    public boolean webhook() {
        return webhook;
    }

    public ArtifactSelector selector() {
        return selector;
    }

    /** Notes an image with a finished scan that the crawl listed, new or not: its findings are still there. */
    void listed(String digest, String repository) {
        scannedImages.put(digest, repository);
    }

    /** Notes a scanned artifact the crawl could not read or understand: the cycle must not count as delivered. */
    void unreadable(String what) {
        unreadable.add(what);
    }

    /** What {@link #unreadable(String)} noted, one line each naming the artifact and the reason. */
    public List<String> unreadable() {
        return List.copyOf(unreadable);
    }

    /** Notes a pending artifact this cycle tried before its crawl. */
    void triedPending(String repository, String digest) {
        triedPending.add(repository + "@" + digest);
    }

    /** Whether the crawl meets an artifact this cycle already tried as pending. */
    boolean triedPending(ScannedArtifact artifact) {
        return triedPending.contains(artifact.repository() + "@" + artifact.digest());
    }

    /** Digest to repository of every image with a finished scan the crawl listed. */
    public Map<String, String> scannedImages() {
        return scannedImages;
    }
}
