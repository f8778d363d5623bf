package io.github.harbordt.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.harbordt.config.AuditSettings;
import io.github.harbordt.config.DynatraceSettings;
import io.github.harbordt.config.HarborInstance;
import io.github.harbordt.dynatrace.Batch;
import io.github.harbordt.dynatrace.OutboundEvent;
import io.github.harbordt.dynatrace.Outbox;
import io.github.harbordt.dynatrace.Sink;
import io.github.harbordt.exchange.ExchangeNames;
import io.github.harbordt.harbor.HarborException;
import io.github.harbordt.harbor.HarborUrls;
import io.github.harbordt.mapping.AuditLogMapper;
import io.github.harbordt.mapping.AuditStream;
import io.github.harbordt.state.AuditRef;
import io.github.harbordt.state.DeadLetter;
import io.github.harbordt.state.DeadLetterStore;
import io.github.harbordt.state.StateStore;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.processor.aggregate.AggregateController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The steps of an audit-log cycle that the audit routes call. Rows are read by ascending id from the stream's
 * high-water mark ({@code q=id=[<mark+1>~]&sort=id}, always page 1): rows written while reading have higher ids and
 * are read on a later page or cycle, never skipped or read twice, and the query stays on Harbor's primary key.
 * The mark itself moves in the ledger as each batch settles (batches leave in id order).
 */
public class AuditCycles {

    private static final Logger LOG = LoggerFactory.getLogger(AuditCycles.class);
    /** Watermark stream recording that the pre-2.13 history was read to its end. */
    static final String HISTORY_DONE = "audit-logs-history";
    /** Harbor compares audit times as UTC without zone. */

    private final StateStore store;
    private final DeadLetterStore deadLetters;
    private final DeliveryLedger ledger;
    private final AggregateController batcher;
    private final DynatraceSettings dynatrace;
    private final AuditLogMapper mapper;
    private final ObjectMapper json;
    private final Clock clock;
    private final Outbox outbox;
    private final CycleGuard guard;
    /** Instances whose audit permission was checked since the process started: the check runs once. */
    private final Set<String> probed = ConcurrentHashMap.newKeySet();

    public AuditCycles(Map<String, HarborInstance> instances, StateStore store, DeadLetterStore deadLetters,
                       DeliveryLedger ledger, AggregateController batcher, DynatraceSettings dynatrace,
                       AuditLogMapper mapper, Outbox outbox, ObjectMapper json, Clock clock) {
        this.store = store;
        this.outbox = outbox;
        this.deadLetters = deadLetters;
        this.ledger = ledger;
        this.batcher = batcher;
        this.dynatrace = dynatrace;
        this.mapper = mapper;
        this.json = json;
        this.clock = clock;
        this.guard = new CycleGuard(instances, ledger, Sink.LOGS, "audit cycle", instance -> instance.audit().enabled(), clock);
    }

    /** Opens a cycle for the instance in the {@value HarborInstance#HEADER} header; false when it must not run. */
    public boolean begin(Exchange exchange) {
        String id = exchange.getMessage().getHeader(ExchangeNames.INSTANCE, String.class);
        int waiting = outbox.waiting(id, Sink.LOGS);
        if (waiting > 0) {
            // rows are delivered in id order: newer ones wait in Harbor until the kept batches are through
            LOG.info("Harbor '{}': audit cycle waits, {} log batch(es) in the outbox go first", id, waiting);
            return false;
        }
        Optional<HarborInstance> opened = guard.open(exchange);
        if (opened.isEmpty()) {
            return false;
        }
        HarborInstance instance = opened.get();
        exchange.setProperty(ExchangeNames.CYCLE, new AuditCycle(instance, ledger.newCycle(instance.id(), Sink.LOGS), clock.instant()));
        return true;
    }

    /** Sets the URL of the next stream's first request; false when every stream of this cycle was read. */
    public boolean nextStream(Exchange exchange) {
        AuditCycle cycle = AuditCycle.of(exchange);
        HarborInstance instance = cycle.instance();
        if (!cycle.planned()) {
            AuditStream current = AuditStream.current(cycle.version().hasAuditLogExts());
            boolean history = current == AuditStream.EXTS && instance.audit().legacyHistory()
                    && store.watermark(instance.id(), HISTORY_DONE).isEmpty();
            cycle.plan(history ? List.of(AuditStream.LEGACY, current) : List.of(current), history);
        }
        if (!cycle.advance()) {
            exchange.setProperty(ExchangeNames.HARBOR_URL, null);
            return false;
        }
        if (!cycle.history() && probed.add(instance.id())) {
            cycle.step(AuditCycle.Step.PROBE);
            exchange.setProperty(ExchangeNames.HARBOR_URL, HarborUrls.of(instance).auditNewest(cycle.stream().path()));
        } else {
            start(cycle, exchange);
        }
        return true;
    }

    /** Where the stream starts: after its mark; from the beginning (backfill, history); or the look-back's first row. */
    private void start(AuditCycle cycle, Exchange exchange) {
        HarborInstance instance = cycle.instance();
        Optional<Long> mark = store.watermark(instance.id(), cycle.stream().watermark()).map(Long::parseLong);
        if (mark.isPresent() || cycle.history() || instance.audit().backfill()) {
            read(cycle, exchange, mark.map(m -> m + 1).orElse(0L));
        } else {
            cycle.step(AuditCycle.Step.LOCATE);
            // once per stream, on the first run: the time column is only used to find where to begin
            Instant from = cycle.harborNow().minus(instance.audit().lookBack()).truncatedTo(ChronoUnit.SECONDS);
            exchange.setProperty(ExchangeNames.HARBOR_URL, HarborUrls.of(instance).auditFirstAt(cycle.stream().path(), from));
        }
    }

    private void read(AuditCycle cycle, Exchange exchange, long fromId) {
        cycle.step(AuditCycle.Step.READ);
        cycle.nextId(fromId);
        exchange.setProperty(ExchangeNames.HARBOR_URL, HarborUrls.of(cycle.instance()).auditFrom(cycle.stream().path(), fromId,
                cycle.instance().audit().pageSize()));
    }

    /**
     * Handles one answer: the probe and the look-back lookup only decide where to read; a page of rows becomes log
     * records in chunks for the batcher (the body), and the URL moves to the next page or clears when the stream is done.
     */
    public void page(Exchange exchange) throws JsonProcessingException {
        AuditCycle cycle = AuditCycle.of(exchange);
        List<JsonNode> rows = rows(cycle, exchange);
        exchange.getMessage().setBody(List.of());
        switch (cycle.step()) {
            case PROBE -> {
                if (rows.isEmpty()) {
                    warnPermission(cycle);
                }
                start(cycle, exchange);
            }
            case LOCATE -> {
                if (rows.isEmpty()) {
                    exchange.setProperty(ExchangeNames.HARBOR_URL, null);
                } else {
                    read(cycle, exchange, rows.get(0).path("id").asLong());
                }
            }
            case READ -> exchange.getMessage().setBody(map(cycle, exchange, rows));
        }
    }

    private List<Batch> map(AuditCycle cycle, Exchange exchange, List<JsonNode> rows) throws JsonProcessingException {
        HarborInstance instance = cycle.instance();
        AuditSettings audit = instance.audit();
        List<JsonNode> valid = new ArrayList<>(rows.size());
        for (JsonNode row : rows) {
            Optional<String> invalid = AuditLogMapper.invalid(row);
            if (invalid.isPresent()) {
                cycle.stats().rejected.incrementAndGet();
                deadLetters.save(instance.id(), DeadLetter.REJECTED, invalid.get() + " in " + cycle.stream().path(), null, 1,
                        row == null ? "null" : row.toString());
            } else {
                valid.add(row);
            }
        }
        // sort=id is asked for; sorting again costs nothing and keeps the mark right should a Harbor ignore it
        valid.sort(Comparator.comparingLong(r -> r.get("id").asLong()));
        Instant keepTimeAfter = clock.instant().minus(audit.timestampMaxAge());
        long from = cycle.nextId();
        List<OutboundEvent> records = new ArrayList<>(valid.size());
        for (JsonNode row : valid) {
            long id = row.get("id").asLong();
            if (id < from) {
                continue;
            }
            Map<String, Object> record = mapper.record(row, cycle.stream(), instance.registry(), keepTimeAfter);
            records.add(new OutboundEvent(json.writeValueAsBytes(record), new AuditRef(instance.id(), cycle.stream().watermark(), id)));
            cycle.nextId(id + 1);
        }
        if (rows.size() == audit.pageSize() && cycle.nextId() == from) {
            throw new HarborException("Harbor '" + instance.id() + "' answered " + cycle.stream().path() + " with a full page "
                    + "of rows below id " + from + ": it ignores the id filter, so the audit log cannot be read in order");
        }
        cycle.addRows(records.size());
        cycle.stats().auditRows.addAndGet(records.size());
        ledger.expect(instance.id(), Sink.LOGS, records.size());
        if (rows.size() < audit.pageSize()) {
            if (cycle.history()) {
                cycle.historyRead();
            }
            exchange.setProperty(ExchangeNames.HARBOR_URL, null);
        } else if (cycle.rows() >= audit.maxRowsPerCycle()) {
            cycle.more(true);
            exchange.setProperty(ExchangeNames.HARBOR_URL, null);
        } else {
            read(cycle, exchange, cycle.nextId());
        }
        return Batch.chunks(instance.id(), Sink.LOGS, records, dynatrace.chunkBytes(), dynatrace.maxBatchRecords());
    }

    private List<JsonNode> rows(AuditCycle cycle, Exchange exchange) {
        JsonNode page = exchange.getMessage().getBody(JsonNode.class);
        if (page == null || !page.isArray()) {
            throw new HarborException("Harbor '" + cycle.instance().id() + "' answered GET "
                    + exchange.getProperty(ExchangeNames.HARBOR_URL, String.class) + " with something other than a JSON list");
        }
        List<JsonNode> rows = new ArrayList<>(page.size());
        page.forEach(rows::add);
        return rows;
    }

    private static void warnPermission(AuditCycle cycle) {
        LOG.warn("Harbor '{}' returned no audit rows at all from {}. Harbor answers a robot account without the system "
                        + "permission 'audit-log: list' with an empty list instead of 403: unless this Harbor has no audit "
                        + "rows yet, add 'Audit Log: List' to the robot's system permissions ({}).",
                cycle.instance().id(), cycle.stream().path(), cycle.instance().setting("username", "HARBOR_USERNAME"));
    }

    /** Delivers the open batch, waits until every record settled, and logs the cycle's summary line. */
    public CycleResult finish(@ExchangeProperty(ExchangeNames.CYCLE) AuditCycle cycle) throws InterruptedException {
        String id = cycle.instance().id();
        batcher.forceCompletionOfGroup(id);
        boolean settled = ledger.awaitSettled(id, Sink.LOGS, dynatrace.settleTimeout());
        CycleResult result;
        try (LogFields fields = LogFields.of(id, "audit", cycle.stats().auditSummary() + " seconds=" + cycle.seconds())) {
            if (settled) {
                if (cycle.historyComplete()) {
                    store.saveWatermark(id, HISTORY_DONE, "complete");
                }
                result = CycleResult.settled(cycle.stats());
                LOG.info("Harbor '{}' audit cycle {}: {} high_water_id={}{} seconds={}", id, result.name().toLowerCase(),
                        cycle.stats().auditSummary(), highWater(cycle), cycle.more() ? " more=next-cycle" : "",
                        String.format("%.1f", cycle.seconds()));
            } else {
                result = ledger.unsettledResult(id, Sink.LOGS);
                LOG.error("Harbor '{}' audit cycle incomplete, rows are read again from high_water_id={}: {} {}",
                        id, highWater(cycle), cycle.stats().auditSummary(), ledger.whyUnsettled(id, Sink.LOGS));
            }
        }
        guard.close(id, result, null);
        return result;
    }

    /** The read failed (after Harbor retries): what was read is delivered, the next cycle goes on from the mark. */
    public CycleResult abort(@ExchangeProperty(ExchangeNames.CYCLE) AuditCycle cycle, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception e) {
        String id = cycle.instance().id();
        batcher.forceCompletionOfGroup(id);
        String reason = SystemInfo.reason(cycle.instance(), e);
        try (LogFields fields = LogFields.of(id, "audit", cycle.stats().auditSummary() + " seconds=" + cycle.seconds())) {
            LOG.error("Harbor '{}' audit cycle failed, the next one goes on from high_water_id={}: {} {} seconds={}", id,
                    highWater(cycle), reason, cycle.stats().auditSummary(), String.format("%.1f", cycle.seconds()));
        }
        CycleResult result = CycleResult.of(e);
        guard.close(id, result, reason);
        return result;
    }

    /** How the instance's audit cycles go, for the health checks. */
    public CycleGuard guard() {
        return guard;
    }

    /** What a cycle that {@link #begin} did not open counts as: halted delivery, or an overlap in service mode. */
    public CycleResult notStarted(Exchange exchange) {
        String id = exchange.getMessage().getHeader(ExchangeNames.INSTANCE, String.class);
        return outbox.waiting(id, Sink.LOGS) > 0 ? CycleResult.PENDING : guard.notStarted(exchange);
    }

    private String highWater(AuditCycle cycle) {
        AuditStream stream = cycle.stream() != null ? cycle.stream()
                : cycle.version() == null ? AuditStream.EXTS : AuditStream.current(cycle.version().hasAuditLogExts());
        return store.watermark(cycle.instance().id(), stream.watermark()).orElse("none");
    }
}
