package io.github.harbordt.pipeline;

import io.github.harbordt.config.HarborInstance;
import io.github.harbordt.exchange.ExchangeNames;
import io.github.harbordt.mapping.AuditStream;
import org.apache.camel.Exchange;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** One read of one Harbor instance's audit log: the streams still to read and where the current one stands. */
public final class AuditCycle extends HarborCycle {

    /** What the next answer from Harbor is. */
    enum Step {
        /** the newest row of the table (or none): the permission check at start */
        PROBE,
        /** the first row within the look-back (first run only) */
        LOCATE,
        /** a page of rows from {@link #nextId()} on */
        READ
    }

    private Deque<AuditStream> plan;
    private AuditStream stream;
    private boolean history;
    private Step step;
    private long nextId;
    private long rows;
    private boolean more;
    private boolean historyComplete;

    public AuditCycle(HarborInstance instance, CycleStats stats, Instant localNow) {
        super(instance, stats, localNow);
    }

    public static AuditCycle of(Exchange exchange) {
        return exchange.getProperty(ExchangeNames.CYCLE, AuditCycle.class);
    }

    boolean planned() {
        return plan != null;
    }

    /**
     * @param history the first stream is the pre-upgrade history, read from its start and only until complete
     */
    void plan(List<AuditStream> streams, boolean history) {
        this.plan = new ArrayDeque<>(streams);
        this.history = history;
    }

    /** Moves to the next stream; false when all were read. */
    boolean advance() {
        if (stream != null) {
            history = false;
        }
        stream = plan.poll();
        return stream != null;
    }

    AuditStream stream() {
        return stream;
    }

    boolean history() {
        return history;
    }

    Step step() {
        return step;
    }

    void step(Step step) {
        this.step = step;
    }

    long nextId() {
        return nextId;
    }

    void nextId(long id) {
        this.nextId = id;
    }

    long rows() {
        return rows;
    }

    void addRows(long n) {
        rows += n;
    }

    /** The per-cycle row cap stopped the read: the next cycle goes on from the high-water mark. */
    boolean more() {
        return more;
    }

    void more(boolean more) {
        this.more = more;
    }

    boolean historyComplete() {
        return historyComplete;
    }

    /** The pre-upgrade history was read to its end in this cycle. */
    void historyRead() {
        this.historyComplete = true;
    }
}
