package io.github.harbordt.pipeline;

import io.github.harbordt.config.HarborInstance;
import io.github.harbordt.dynatrace.Sink;
import io.github.harbordt.exchange.ExchangeNames;
import io.github.harbordt.harbor.HarborRequests;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Decides whether a cycle of one kind (scans or audit logs) may start for an instance: it must be configured and have
 * the kind switched on, its delivery to the kind's sink must not be halted, and its previous cycle of that kind must have ended. Quartz
 * ({@code stateful}) already prevents overlap; this also covers run-once and other callers.
 */
public final class CycleGuard {

    private static final Logger LOG = LoggerFactory.getLogger(CycleGuard.class);

    private final Map<String, HarborInstance> instances;
    private final DeliveryLedger ledger;
    private final Sink sink;
    private final String kind;
    private final Predicate<HarborInstance> switchedOn;
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Map<String, Status> statuses = new ConcurrentHashMap<>();
    private final Clock clock;

    /**
     * How an instance's cycles of this kind go, for the health checks.
     *
     * @param started    when the last cycle began
     * @param ended      when the last finished cycle ended; null before the first
     * @param result     how it ended; null before the first
     * @param problem    why it could not do its work (Harbor unreachable, refused credentials, ...); null when it could
     * @param running    whether a cycle runs now (since {@code started})
     */
    public record Status(Instant started, Instant ended, CycleResult result, String problem, boolean running) {
    }

    public CycleGuard(Map<String, HarborInstance> instances, DeliveryLedger ledger, Sink sink, String kind,
               Predicate<HarborInstance> switchedOn, Clock clock) {
        this.instances = instances;
        this.ledger = ledger;
        this.sink = sink;
        this.kind = kind;
        this.switchedOn = switchedOn;
        this.clock = clock;
    }

    /**
     * The instance named in the {@value HarborInstance#HEADER} header, marked running, with the exchange set up
     * for its Harbor calls and its batches; empty when the cycle must not run now.
     */
    public Optional<HarborInstance> open(Exchange exchange) {
        String id = exchange.getMessage().getHeader(ExchangeNames.INSTANCE, String.class);
        Optional<HarborInstance> instance = attach(exchange, id);
        if (instance.isPresent() && !running.add(id)) {
            LOG.warn("Harbor '{}': {} skipped, the previous one is still running", id, kind);
            return Optional.empty();
        }
        instance.ifPresent(i -> statuses.compute(id, (k, last) -> last == null
                ? new Status(clock.instant(), null, null, null, true)
                : new Status(clock.instant(), last.ended(), last.result(), last.problem(), true)));
        return instance;
    }

    /**
     * The instance, with the exchange set up for its Harbor calls and batches, for work beside its cycles (a
     * webhook's check); empty when the kind is switched off or its delivery is halted.
     */
    public Optional<HarborInstance> attach(Exchange exchange, String id) {
        HarborInstance instance = instances.get(id);
        if (instance == null) {
            throw new IllegalArgumentException("No Harbor instance '" + id + "' is configured (harbor.instances)");
        }
        if (!switchedOn.test(instance)) {
            return Optional.empty();
        }
        Optional<String> halted = ledger.haltReason(id, sink);
        if (halted.isPresent()) {
            LOG.warn("Harbor '{}': {} skipped, delivery is stopped until the connector restarts: {}", id, kind, halted.get());
            return Optional.empty();
        }
        exchange.setProperty(ExchangeNames.HARBOR_ENDPOINT, HarborRequests.endpointUri(instance));
        exchange.setProperty(ExchangeNames.INSTANCE, id);
        return Optional.of(instance);
    }

    public CycleResult notStarted(Exchange exchange) {
        String id = exchange.getMessage().getHeader(ExchangeNames.INSTANCE, String.class);
        return ledger.haltReason(id, sink).isPresent() ? CycleResult.HALTED : CycleResult.SKIPPED;
    }

    /**
     * The cycle {@link #open} began has ended.
     *
     * @param problem why it could not do its work, or null
     */
    public void close(String instanceId, CycleResult result, String problem) {
        Status last = statuses.get(instanceId);
        statuses.put(instanceId, new Status(last == null ? clock.instant() : last.started(), clock.instant(), result, problem,
                false));
        running.remove(instanceId);
    }

    /** The instance's cycles of this kind; empty before the first began. */
    public Optional<Status> status(String instanceId) {
        return Optional.ofNullable(statuses.get(instanceId));
    }

    /** What this guard's cycles are called in messages ("cycle", "audit cycle"). */
    public String kind() {
        return kind;
    }

    /** The sink this kind delivers to. */
    public Sink sink() {
        return sink;
    }
}
