package io.github.harbordt.app;

import io.github.harbordt.config.HarborInstance;
import io.github.harbordt.dynatrace.Batch;
import io.github.harbordt.dynatrace.DeliveryRoutes;
import io.github.harbordt.dynatrace.Sink;
import io.github.harbordt.exchange.ExchangeNames;
import io.github.harbordt.pipeline.AuditRoutes;
import io.github.harbordt.pipeline.CycleResult;
import io.github.harbordt.pipeline.HarborRoutes;
import io.github.harbordt.config.Settings;
import io.github.harbordt.state.Database;
import io.github.harbordt.state.DeadLetter;
import io.github.harbordt.state.OutboxEntry;
import io.github.harbordt.state.PendingArtifact;
import io.github.harbordt.state.SightingStore;
import io.github.harbordt.state.StateCopy;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.StartupListener;
import org.apache.camel.component.seda.SedaEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The modes that do one job and exit: run-once (for CronJobs and scripts), the dead-letter listing, the replay and
 * the state copy.
 * Each runs once Camel has fully started, sets the exit status and stops the context, which ends Camel Main.
 */
public final class OneShot implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(OneShot.class);

    private static final Duration FOLLOW_UP_TIMEOUT = Duration.ofMinutes(5);

    private final Mode mode;
    /** null for copy-state, which needs the settings and no connector */
    private final Connector connector;
    /** null for the modes that run the connector */
    private final Settings settings;
    private final PrintStream out;

    public OneShot(Mode mode, Connector connector, PrintStream out) {
        this(mode, connector, null, out);
    }

    private OneShot(Mode mode, Connector connector, Settings settings, PrintStream out) {
        this.mode = mode;
        this.connector = connector;
        this.settings = settings;
        this.out = out;
    }

    /** The copy-state mode: two databases and nothing else of the connector. */
    public static OneShot copyState(Settings settings, PrintStream out) {
        return new OneShot(Mode.COPY_STATE, null, settings, out);
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // wait for fully started
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        Thread worker = new Thread(() -> {
            int code;
            try {
                code = run(context);
            } catch (RuntimeException e) {
                LOG.error("{} failed: {}", mode, e.getMessage(), e);
                code = CycleResult.of(e).exitCode();
            }
            ExitStatus.set(code);
            // Camel Main ends its run() when the context stops
            try {
                context.stop();
            } catch (RuntimeException e) {
                LOG.warn("Stopping after {}: {}", mode, e.getMessage());
            }
        }, "connector-" + mode.name().toLowerCase());
        worker.start();
    }

    public int run(CamelContext context) {
        return switch (mode) {
            case ONCE -> runOnce(context);
            case DEAD_LETTERS -> listDeadLetters();
            case REPLAY -> replay(context);
            case COPY_STATE -> copyState();
            case SERVICE -> 0;
        };
    }

    /**
     * Copies the H2 state of {@code connector.data-dir} (or {@code state.copy-from}) into the empty database of
     * {@code state.jdbc-url}; both are brought to this release's schema first.
     */
    public int copyState() {
        String target = settings.optional("state.jdbc-url").orElseThrow(() -> new IllegalArgumentException(
                "copy-state copies into the database of STATE_JDBC_URL (state.jdbc-url), which is empty: set it to the "
                        + "PostgreSQL database the replicas will share"));
        Path dataDir = Path.of(settings.string("connector.data-dir"));
        String source = settings.optional("state.copy-from").orElse(Connector.h2State(dataDir));
        if (settings.optional("state.copy-from").isEmpty() && !Files.exists(dataDir.resolve("connector.mv.db"))) {
            throw new IllegalArgumentException("copy-state found no H2 state at " + dataDir.toAbsolutePath().resolve(
                    "connector.mv.db") + ": run it in the connector's working directory, set CONNECTOR_DATA_DIR, or name "
                    + "the source with STATE_COPY_FROM (state.copy-from)");
        }
        try (Database from = new Database(source, settings.string("state.copy-from-username"),
                settings.string("state.copy-from-password"));
             Database to = new Database(target, settings.string("state.username"), settings.string("state.password"))) {
            Map<String, Integer> copied = StateCopy.copy(from, to);
            copied.forEach((table, rows) -> out.printf("%-20s %d row(s)%n", table, rows));
            LOG.info("State copied from {} into {}: {} rows", from.location(), to.location(),
                    copied.values().stream().mapToInt(Integer::intValue).sum());
            return 0;
        }
    }

    /** One scan cycle and one audit cycle per instance; the worst result decides the exit status. */
    public int runOnce(CamelContext context) {
        int worst = 0;
        try (ProducerTemplate template = context.createProducerTemplate()) {
            for (HarborInstance instance : connector.instances().values()) {
                List<String> cycles = instance.audit().enabled()
                        ? List.of(HarborRoutes.SCAN_CYCLE, AuditRoutes.AUDIT_CYCLE) : List.of(HarborRoutes.SCAN_CYCLE);
                for (String cycle : cycles) {
                    CycleResult result = template.requestBodyAndHeader(cycle, null, ExchangeNames.INSTANCE,
                            instance.id(), CycleResult.class);
                    worst = Math.max(worst, result.exitCode());
                }
            }
            awaitFollowUps(context);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        int waiting = connector.outbox().waiting();
        if (waiting > 0) {
            LOG.warn("{} batch(es) wait in the outbox for Dynatrace; the next run (or service mode) sends them", waiting);
            worst = Math.max(worst, CycleResult.PENDING.exitCode());
        }
        return worst;
    }

    /**
     * What follows a cycle (its metrics, the sighting refresh, the notification decision and its channels) runs on
     * threads of its own, partly behind seda queues; stopping the context now would drop it. Waits until nothing is in
     * flight and every queue is empty, three looks in a row (a message between a queue and its consumer is in neither
     * for a moment), at most {@link #FOLLOW_UP_TIMEOUT}. The looks are short: a once-run's exit waits for them.
     */
    private static void awaitFollowUps(CamelContext context) throws InterruptedException {
        long deadline = System.nanoTime() + FOLLOW_UP_TIMEOUT.toNanos();
        int quiet = 0;
        while (quiet < 3 && System.nanoTime() < deadline) {
            boolean idle = context.getInflightRepository().size() == 0 && context.getEndpoints().stream()
                    .filter(SedaEndpoint.class::isInstance).allMatch(e -> ((SedaEndpoint) e).getCurrentQueueSize() == 0);
            quiet = idle ? quiet + 1 : 0;
            Thread.sleep(20);
        }
        if (quiet < 3) {
            LOG.warn("Stopping with work still in flight after {}: {} exchange(s)", FOLLOW_UP_TIMEOUT,
                    context.getInflightRepository().size());
        }
    }

    public int listDeadLetters() {
        List<DeadLetter> all = connector.deadLetters().list(true);
        out.printf("%-6s %-20s %-10s %-16s %-6s %-7s %-8s %-20s %s%n",
                "id", "created", "instance", "sink", "status", "records", "attempts", "replayed", "reason");
        for (DeadLetter d : all) {
            out.printf("%-6d %-20s %-10s %-16s %-6s %-7d %-8d %-20s %s%n", d.id(), d.createdAt().toString().substring(0, 19),
                    d.instanceId(), d.sink(), d.statusCode() == null ? "-" : d.statusCode(), d.records(), d.attempts(),
                    d.replayedAt() == null ? "-" : d.replayedAt().toString().substring(0, 19), d.reason());
        }
        out.printf("%d entries, %d waiting for replay%n", all.size(), all.stream().filter(DeadLetter::replayable).count());
        List<PendingArtifact> pending = connector.pendingArtifacts().list(null);
        if (!pending.isEmpty()) {
            out.printf("%npending artifacts: reports that could not be read, tried again by every cycle (instance, artifact, "
                    + "report, attempts, first failure, last reason):%n");
            for (PendingArtifact p : pending) {
                out.printf("%-10s %s@%s %s %d %s %s%n", p.instanceId(), p.repository(), p.digest(), p.reportId(), p.attempts(),
                        p.firstFailedAt().toString().substring(0, 19), p.reason());
            }
        }
        List<OutboxEntry> waiting = connector.outbox().entries();
        if (!waiting.isEmpty()) {
            out.printf("%noutbox: batches Dynatrace could not take yet, sent again automatically (id, created, instance, sink, "
                    + "records, attempts, next attempt, last error):%n");
            for (OutboxEntry o : waiting) {
                out.printf("%-6d %-20s %-10s %-16s %-7d %-8d %-20s %s%n", o.id(), o.createdAt().toString().substring(0, 19),
                        o.instanceId(), o.sink(), o.records(), o.attempts(), o.nextAttemptAt().toString().substring(0, 19),
                        o.lastError());
            }
        }
        List<SightingStore.Notification> given = connector.notifications().store().notifications(SightingStore.State.DEAD);
        if (!given.isEmpty()) {
            out.printf("%nnotifications given up after notifications.max-attempts (channel, group, attempts, last error):%n");
            for (SightingStore.Notification n : given) {
                out.printf("%-12s %s %d %s%n", n.channel(), n.groupKey().substring(0, 16), n.attempts(), n.lastError());
            }
        }
        return 0;
    }

    /** Sends each pending dead letter through the normal delivery route; a failure keeps it pending. */
    public int replay(CamelContext context) {
        int failed = 0;
        int replayed = 0;
        try (ProducerTemplate template = context.createProducerTemplate()) {
            for (DeadLetter d : connector.deadLetters().list(false)) {
                if (!d.replayable()) {
                    continue;
                }
                Batch batch = Batch.fromJsonArray(d.instanceId(), Sink.byId(d.sink()), d.payload(), d.id(), connector.json());
                template.sendBody(DeliveryRoutes.DELIVER, batch);
                if (batch.outcome() == Batch.Outcome.DELIVERED) {
                    replayed++;
                    out.printf("dead letter %d: %d records delivered%n", d.id(), d.records());
                } else {
                    failed++;
                    out.printf("dead letter %d: still failing, kept (%s)%n", d.id(), batch.outcome());
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        out.printf("replayed %d, still pending %d%n", replayed, failed);
        return failed == 0 ? 0 : 1;
    }
}
