package io.github.harbordt.pipeline;

import io.github.harbordt.config.HarborInstance;
import io.github.harbordt.dynatrace.Outbox;
import io.github.harbordt.dynatrace.Sink;
import io.github.harbordt.state.Database;
import io.github.harbordt.state.DeadLetterStore;
import io.github.harbordt.state.PendingArtifactStore;
import io.github.harbordt.state.StateStore;
import io.github.harbordt.state.StateStoreException;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the management port's health answers about the connector itself, beside Camel's own checks (README,
 * "Health and metrics"). Readiness is DOWN while an instance's last cycle could not reach or authenticate to Harbor,
 * while delivery to Dynatrace is halted (a refused token or endpoint), or while the state database cannot be written;
 * its details list, per instance, the last cycles' outcome and time, the watermark, pending artifacts, outbox batches
 * and dead-lettered records. Liveness is DOWN only when a cycle has been running longer than
 * {@code health.cycle-stuck-after}: the process is stuck, and a restart is the remedy.
 */
public final class ConnectorHealth {

    private final Collection<HarborInstance> instances;
    private final List<CycleGuard> guards;
    private final DeliveryLedger ledger;
    private final StateStore state;
    private final PendingArtifactStore pending;
    private final Outbox outbox;
    private final DeadLetterStore deadLetters;
    private final Database database;
    private final Duration stuckAfter;
    private final Clock clock;

    public ConnectorHealth(Collection<HarborInstance> instances, List<CycleGuard> guards, DeliveryLedger ledger,
                           StateStore state, PendingArtifactStore pending, Outbox outbox, DeadLetterStore deadLetters,
                           Database database, Duration stuckAfter, Clock clock) {
        this.instances = instances;
        this.guards = guards;
        this.ledger = ledger;
        this.state = state;
        this.pending = pending;
        this.outbox = outbox;
        this.deadLetters = deadLetters;
        this.database = database;
        this.stuckAfter = stuckAfter;
        this.clock = clock;
    }

    /** The readiness check, {@code connector/harbor-dynatrace}. */
    public HealthCheck readiness() {
        return new AbstractHealthCheck("connector", "harbor-dynatrace") {
            @Override
            protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
                List<String> problems = problems();
                details(builder);
                if (problems.isEmpty()) {
                    builder.up();
                } else {
                    builder.message(String.join("; ", problems)).down();
                }
            }
        };
    }

    /** The liveness check, {@code connector/harbor-dynatrace-cycles}. */
    public HealthCheck liveness() {
        return new AbstractHealthCheck("connector", "harbor-dynatrace-cycles") {
            // Camel's checks are readiness checks unless they say otherwise
            @Override
            public boolean isLiveness() {
                return true;
            }

            @Override
            public boolean isReadiness() {
                return false;
            }

            @Override
            protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
                List<String> stuck = stuck();
                if (stuck.isEmpty()) {
                    builder.up();
                } else {
                    builder.message(String.join("; ", stuck)).down();
                }
            }
        };
    }

    /** Why the connector cannot do its work now; empty when nothing stands in its way. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (HarborInstance instance : instances) {
            for (CycleGuard guard : guards) {
                Optional<CycleGuard.Status> status = guard.status(instance.id());
                ledger.haltReason(instance.id(), guard.sink()).ifPresent(why -> problems.add("Harbor '" + instance.id()
                        + "': delivery of " + guard.sink().id() + " to Dynatrace halted: " + why));
                status.filter(s -> s.problem() != null).ifPresent(s -> problems.add("Harbor '" + instance.id() + "' "
                        + guard.kind() + " failed at " + s.ended() + ": " + s.problem()));
            }
        }
        database.unwritable().ifPresent(problems::add);
        return problems.stream().distinct().toList();
    }

    /** The cycles running longer than {@code health.cycle-stuck-after}. */
    public List<String> stuck() {
        Instant now = clock.instant();
        List<String> stuck = new ArrayList<>();
        for (HarborInstance instance : instances) {
            for (CycleGuard guard : guards) {
                guard.status(instance.id()).filter(s -> s.running() && s.started().plus(stuckAfter).isBefore(now))
                        .ifPresent(s -> stuck.add("Harbor '" + instance.id() + "' " + guard.kind() + " running since "
                                + s.started() + ", longer than health.cycle-stuck-after (" + stuckAfter + ")"));
            }
        }
        return stuck;
    }

    private void details(HealthCheckResultBuilder builder) {
        for (HarborInstance instance : instances) {
            String id = instance.id();
            for (CycleGuard guard : guards) {
                String kind = guard.sink() == Sink.LOGS ? "audit" : "scans";
                guard.status(id).ifPresent(s -> {
                    builder.detail(id + "." + kind + ".result", s.result() == null ? "RUNNING" : s.result().name());
                    builder.detail(id + "." + kind + ".at", String.valueOf(s.ended() == null ? s.started() : s.ended()));
                });
            }
            try {
                builder.detail(id + ".watermark", state.watermark(id, StateStore.SCANS).orElse("none"));
                builder.detail(id + ".pending_artifacts", pending.count(id));
                builder.detail(id + ".outbox_batches", outbox.waiting(id, Sink.SECURITY_EVENTS) + outbox.waiting(id, Sink.LOGS));
                builder.detail(id + ".dead_lettered_records", deadLetters.pendingRecords(id));
            } catch (StateStoreException e) {
                // the problem list says so; the details that need the database are left out
                return;
            }
        }
    }
}
