package io.github.harbordt.pipeline;

import io.github.harbordt.dynatrace.Batch;
import io.github.harbordt.dynatrace.DeliveryOutcomes;
import io.github.harbordt.dynatrace.OutboundEvent;
import io.github.harbordt.dynatrace.Sink;
import io.github.harbordt.state.AuditRef;
import io.github.harbordt.state.EventOrigin;
import io.github.harbordt.state.ScanRef;
import io.github.harbordt.state.StateStore;
import io.github.harbordt.state.StateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Knows, per instance and sink, how many emitted records have not settled yet (delivered or safely dead-lettered),
 * records a scan as delivered once its last event settled, and moves an audit stream's high-water mark past each
 * settled row. A cycle only advances its scan watermark once nothing is unsettled; a halted stream (token refused)
 * never settles, so its data is read again after a restart. Scans and audit logs of one instance are tracked apart:
 * a token may carry one scope and not the other.
 */
public class DeliveryLedger implements DeliveryOutcomes {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLedger.class);

    private final StateStore store;
    private final Map<String, Stream> streams = new ConcurrentHashMap<>();

    public DeliveryLedger(StateStore store) {
        this.store = store;
    }

    private static final class Stream {
        final Map<ScanRef, AtomicInteger> openScans = new ConcurrentHashMap<>();
        final Object lock = new Object();
        long unsettled;
        volatile String haltReason;
        /** Delivered or dead-lettered, but not recorded: the state database failed during this cycle. */
        volatile String stateFailure;
        volatile CycleStats stats = new CycleStats();
    }

    private Stream of(String instanceId, Sink sink) {
        return streams.computeIfAbsent(instanceId + "/" + sink.id(), k -> new Stream());
    }

    /** Starts new counters for the next cycle of the instance's records for {@code sink} and returns them. */
    public CycleStats newCycle(String instanceId, Sink sink) {
        CycleStats stats = new CycleStats();
        Stream s = of(instanceId, sink);
        s.stats = stats;
        s.stateFailure = null;
        return stats;
    }

    public CycleStats stats(String instanceId, Sink sink) {
        return of(instanceId, sink).stats;
    }

    /** Registers records before they are handed to the batcher; only registered records are waited for. */
    public void expect(String instanceId, Sink sink, int records) {
        Stream s = of(instanceId, sink);
        synchronized (s.lock) {
            s.unsettled += records;
        }
    }

    /** What {@link #open} found. */
    public enum Opened {
        /** Registered: this process sends the scan. */
        OPENED,
        /** Delivered already, or on its way from this process. */
        KNOWN,
        /** On its way from another replica that is alive: not ours to send, and not settled yet either. */
        ELSEWHERE
    }

    /**
     * Registers the events of a scan, which is marked delivered when the last of them settled. The crawl and the
     * webhooks, of this process or of replicas on one database, may meet the same scan at the same time: only the
     * first one through here sends it.
     */
    public Opened open(String instanceId, ScanRef scan, int events) {
        Stream s = of(instanceId, Sink.SECURITY_EVENTS);
        if (s.openScans.putIfAbsent(scan, new AtomicInteger(events)) != null) {
            return Opened.KNOWN;
        }
        // settle() marks a scan delivered before it forgets it, so a scan missing above is either new or marked
        Opened opened = store.isDelivered(scan) ? Opened.KNOWN : switch (store.claim(scan)) {
            case OURS -> Opened.OPENED;
            case DELIVERED -> Opened.KNOWN;
            case ELSEWHERE -> Opened.ELSEWHERE;
        };
        if (opened != Opened.OPENED) {
            s.openScans.remove(scan);
            return opened;
        }
        expect(instanceId, Sink.SECURITY_EVENTS, events);
        return opened;
    }

    /** Whether the scan is delivered or on its way: no need to read its report again. */
    public boolean known(ScanRef scan) {
        return of(scan.instanceId(), Sink.SECURITY_EVENTS).openScans.containsKey(scan) || store.isDelivered(scan);
    }

    @Override
    public void delivered(Batch batch) {
        CycleStats stats = stats(batch.instanceId(), batch.sink());
        stats.batches.incrementAndGet();
        stats.bytes.addAndGet(batch.bytes());
        batch.outcome(Batch.Outcome.DELIVERED);
        settle(batch, true);
    }

    @Override
    public void refused(Batch batch, int records) {
        stats(batch.instanceId(), batch.sink()).refused.addAndGet(records);
    }

    /** Kept in the outbox: durable like a dead letter, so its scans count as delivered and its rows as read. */
    @Override
    public void queued(Batch batch) {
        stats(batch.instanceId(), batch.sink()).queued.addAndGet(batch.size());
        batch.outcome(Batch.Outcome.QUEUED);
        settle(batch, true);
    }

    @Override
    public void deadLettered(Batch batch) {
        stats(batch.instanceId(), batch.sink()).deadLettered.addAndGet(batch.size());
        batch.outcome(Batch.Outcome.DEAD_LETTERED);
        settle(batch, true);
    }

    /** The batch will not be delivered now and was not dead-lettered: its scans stay open, its rows unread. */
    @Override
    public void abandoned(Batch batch, String reason) {
        batch.outcome(Batch.Outcome.HALTED);
        halt(batch.instanceId(), batch.sink(), reason);
        settle(batch, false);
    }

    /**
     * The batch was sent or dead-lettered, but that could not be recorded (the state database failed): it settles
     * without progress, so the cycle ends at once instead of waiting for it, and its data is read and sent again.
     */
    @Override
    public void unrecorded(Batch batch, StateStoreException failure) {
        batch.outcome(Batch.Outcome.UNRECORDED);
        stateFailed(of(batch.instanceId(), batch.sink()), failure);
        settle(batch, false);
    }

    private static void stateFailed(Stream s, StateStoreException failure) {
        if (s.stateFailure == null) {
            s.stateFailure = failure.getMessage();
            LOG.error("{}", failure.getMessage());
        }
    }

    public void halt(String instanceId, Sink sink, String reason) {
        Stream s = of(instanceId, sink);
        if (s.haltReason == null) {
            s.haltReason = reason;
            LOG.error("Delivery of {} for Harbor instance '{}' stopped: {}", sink.id(), instanceId, reason);
        }
    }

    @Override
    public Optional<String> haltReason(String instanceId, Sink sink) {
        return Optional.ofNullable(of(instanceId, sink).haltReason);
    }

    private void settle(Batch batch, boolean progress) {
        Stream s = of(batch.instanceId(), batch.sink());
        long settled = 0;
        Map<String, Long> highWater = new HashMap<>();
        List<OutboundEvent> events = batch.events();
        for (int i = 0; i < events.size(); ) {
            EventOrigin origin = events.get(i).origin();
            // a scan's events sit next to each other in a batch: they settle as one run, one lookup per scan
            int run = 1;
            while (i + run < events.size() && events.get(i + run).origin() == origin) {
                run++;
            }
            i += run;
            if (origin == null) {
                continue;
            }
            settled += run;
            if (origin instanceof ScanRef scan) {
                AtomicInteger open = s.openScans.get(scan);
                if (open != null && open.addAndGet(-run) == 0) {
                    if (progress && s.haltReason == null && s.stateFailure == null) {
                        record(s, () -> store.markDelivered(scan));
                    } else {
                        record(s, () -> store.release(scan));
                    }
                    s.openScans.remove(scan);
                }
            } else if (origin instanceof AuditRef row) {
                highWater.merge(row.stream(), row.id(), Math::max);
            }
        }
        // audit batches leave one at a time in id order, so every row below a settled one has settled too
        if (progress && s.haltReason == null && s.stateFailure == null) {
            highWater.forEach((stream, id) -> record(s, () -> store.raiseWatermark(batch.instanceId(), stream, id)));
        }
        synchronized (s.lock) {
            s.unsettled -= settled;
            s.lock.notifyAll();
        }
    }

    /** A write the settling of a batch needs; a failing state database is noted, not thrown on the delivery thread. */
    private static void record(Stream s, Runnable write) {
        try {
            write.run();
        } catch (StateStoreException e) {
            stateFailed(s, e);
        }
    }

    /**
     * Waits until every expected record settled; false on timeout, when the stream halted, or at once when the state
     * database failed during the cycle.
     */
    public boolean awaitSettled(String instanceId, Sink sink, Duration timeout) throws InterruptedException {
        Stream s = of(instanceId, sink);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (s.lock) {
            while (s.unsettled > 0 && s.haltReason == null && s.stateFailure == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                s.lock.wait(Math.max(1, left / 1_000_000));
            }
            return s.haltReason == null && s.stateFailure == null;
        }
    }

    /** How a cycle whose records did not all settle ended. */
    public CycleResult unsettledResult(String instanceId, Sink sink) {
        Stream s = of(instanceId, sink);
        return s.stateFailure != null ? CycleResult.STATE_UNAVAILABLE
                : s.haltReason != null ? CycleResult.HALTED : CycleResult.FAILED;
    }

    /** Why a cycle's records did not all settle, for its failure line. */
    public String whyUnsettled(String instanceId, Sink sink) {
        Stream s = of(instanceId, sink);
        String why = s.stateFailure != null ? s.stateFailure
                : s.haltReason != null ? s.haltReason : "delivery did not settle within dynatrace.settle-timeout";
        return "unsettled=" + unsettled(instanceId, sink) + " (" + why + ")";
    }

    public long unsettled(String instanceId, Sink sink) {
        Stream s = of(instanceId, sink);
        synchronized (s.lock) {
            return s.unsettled;
        }
    }
}
