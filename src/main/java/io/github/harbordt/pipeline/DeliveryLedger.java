package io.github.harbordt.pipeline;

import io.github.harbordt.dynatrace.Batch;
import io.github.harbordt.dynatrace.OutboundEvent;
import io.github.harbordt.state.ScanRef;
import io.github.harbordt.state.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Knows, per instance, how many emitted events have not settled yet (delivered or safely dead-lettered) and records a
 * scan as delivered once its last event settled. A cycle only advances its watermark once its instance has nothing
 * unsettled; a halted instance (token refused) never settles, so its data is crawled again after a restart.
 */
public class DeliveryLedger {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLedger.class);

    private final StateStore store;
    private final Map<String, Instance> instances = new ConcurrentHashMap<>();

    public DeliveryLedger(StateStore store) {
        this.store = store;
    }

    private static final class Instance {
        final Map<ScanRef, AtomicInteger> openScans = new ConcurrentHashMap<>();
        final Object lock = new Object();
        long unsettled;
        volatile String haltReason;
        volatile CycleStats stats = new CycleStats();
    }

    private Instance of(String instanceId) {
        return instances.computeIfAbsent(instanceId, k -> new Instance());
    }

    /** Starts new counters for the instance's next cycle and returns them. */
    public CycleStats newCycle(String instanceId) {
        CycleStats stats = new CycleStats();
        of(instanceId).stats = stats;
        return stats;
    }

    public CycleStats stats(String instanceId) {
        return of(instanceId).stats;
    }

    /** Registers the events of a scan before they are handed to the batcher; only these are waited for. */
    public void expect(String instanceId, ScanRef scan, int events) {
        Instance i = of(instanceId);
        synchronized (i.lock) {
            i.unsettled += events;
        }
        i.openScans.computeIfAbsent(scan, k -> new AtomicInteger()).addAndGet(events);
    }

    public void delivered(Batch batch) {
        CycleStats stats = stats(batch.instanceId());
        stats.batches.incrementAndGet();
        stats.bytes.addAndGet(batch.bytes());
        batch.outcome(Batch.Outcome.DELIVERED);
        settle(batch, true);
    }

    public void deadLettered(Batch batch) {
        stats(batch.instanceId()).deadLettered.addAndGet(batch.size());
        batch.outcome(Batch.Outcome.DEAD_LETTERED);
        settle(batch, true);
    }

    /** The batch will not be delivered now and was not dead-lettered: its scans stay open. */
    public void abandoned(Batch batch, String reason) {
        batch.outcome(Batch.Outcome.HALTED);
        halt(batch.instanceId(), reason);
        settle(batch, false);
    }

    public void halt(String instanceId, String reason) {
        Instance i = of(instanceId);
        if (i.haltReason == null) {
            i.haltReason = reason;
            LOG.error("Delivery for Harbor instance '{}' stopped: {}", instanceId, reason);
        }
    }

    public Optional<String> haltReason(String instanceId) {
        return Optional.ofNullable(of(instanceId).haltReason);
    }

    private void settle(Batch batch, boolean scansComplete) {
        Instance i = of(batch.instanceId());
        for (OutboundEvent e : batch.events()) {
            ScanRef scan = e.scan();
            if (scan == null) {
                continue;
            }
            AtomicInteger open = i.openScans.get(scan);
            if (open != null && open.decrementAndGet() == 0) {
                i.openScans.remove(scan);
                if (scansComplete && i.haltReason == null) {
                    store.markDelivered(scan);
                }
            }
        }
        synchronized (i.lock) {
            i.unsettled -= batch.events().stream().filter(e -> e.scan() != null).count();
            i.lock.notifyAll();
        }
    }

    /** Waits until every expected event of the instance settled; false on timeout or when the instance halted. */
    public boolean awaitSettled(String instanceId, Duration timeout) throws InterruptedException {
        Instance i = of(instanceId);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (i.lock) {
            while (i.unsettled > 0 && i.haltReason == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                i.lock.wait(Math.max(1, left / 1_000_000));
            }
            return i.haltReason == null;
        }
    }

    public long unsettled(String instanceId) {
        Instance i = of(instanceId);
        synchronized (i.lock) {
            return i.unsettled;
        }
    }
}
