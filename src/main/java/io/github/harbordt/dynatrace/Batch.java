package io.github.harbordt.dynatrace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.harbordt.state.OutboxEntry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A group of events for one Dynatrace endpoint of one Harbor instance. The request body is the JSON array of the
 * events' bytes, joined without re-serialising.
 */
public final class Batch {

    /** QUEUED: kept in the outbox for a later attempt. */
    public enum Outcome { PENDING, DELIVERED, DEAD_LETTERED, QUEUED, HALTED, UNRECORDED }

    private final String instanceId;
    private final Sink sink;
    private final List<OutboundEvent> events;
    private final Long deadLetterId;
    private final OutboxEntry outboxEntry;
    private long bytes;
    private volatile Outcome outcome = Outcome.PENDING;

    public Batch(String instanceId, Sink sink, List<OutboundEvent> events, Long deadLetterId) {
        this(instanceId, sink, events, deadLetterId, null);
    }

    private Batch(String instanceId, Sink sink, List<OutboundEvent> events, Long deadLetterId, OutboxEntry outboxEntry) {
        this.instanceId = instanceId;
        this.sink = sink;
        this.events = new ArrayList<>(events);
        this.deadLetterId = deadLetterId;
        this.outboxEntry = outboxEntry;
        this.bytes = 2 + Math.max(0, events.size() - 1);
        for (OutboundEvent e : events) {
            bytes += e.json().length;
        }
    }

    public static Batch of(String instanceId, Sink sink) {
        return new Batch(instanceId, sink, List.of(), null);
    }

    /** Size of the request body if {@code event} were added. */
    public long bytesWith(OutboundEvent event) {
        return bytes + event.json().length + (events.isEmpty() ? 0 : 1);
    }

    /** Size of the request body if the events of {@code other} were added. */
    public long bytesWith(Batch other) {
        if (other.events.isEmpty()) {
            return bytes;
        }
        return events.isEmpty() ? other.bytes : bytes + other.bytes - 1;
    }

    public void add(OutboundEvent event) {
        bytes = bytesWith(event);
        events.add(event);
    }

    public void addAll(Batch other) {
        bytes = bytesWith(other);
        events.addAll(other.events);
    }

    /**
     * Cuts events into consecutive chunks of at most {@code maxBytes} (unless one event alone is bigger) and
     * {@code maxRecords}. The batcher then moves a chunk per exchange rather than an event per exchange.
     */
    public static List<Batch> chunks(String instanceId, Sink sink, List<OutboundEvent> events, long maxBytes, int maxRecords) {
        List<Batch> chunks = new ArrayList<>();
        Batch current = of(instanceId, sink);
        for (OutboundEvent e : events) {
            if (current.size() > 0 && (current.size() >= maxRecords || current.bytesWith(e) > maxBytes)) {
                chunks.add(current);
                current = of(instanceId, sink);
            }
            current.add(e);
        }
        if (current.size() > 0) {
            chunks.add(current);
        }
        return chunks;
    }

    public byte[] toJsonArray() {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(bytes, Integer.MAX_VALUE - 8));
        try {
            writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes the JSON array of the events, exactly {@link #bytes()} long. */
    public void writeTo(OutputStream out) throws IOException {
        out.write('[');
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(events.get(i).json());
        }
        out.write(']');
    }

    /** One event per line: the dry-run file format. */
    public byte[] toJsonLines() {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(bytes, Integer.MAX_VALUE - 8));
        for (OutboundEvent e : events) {
            out.writeBytes(e.json());
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** The two halves Dynatrace gets after it answered 413 to the whole. */
    public List<Batch> halves() {
        int mid = events.size() / 2;
        return List.of(new Batch(instanceId, sink, events.subList(0, mid), deadLetterId, outboxEntry),
                new Batch(instanceId, sink, events.subList(mid, events.size()), deadLetterId, outboxEntry));
    }

    /** Rebuilds a dead-lettered batch from the stored JSON array so it can be replayed. */
    public static Batch fromJsonArray(String instanceId, Sink sink, String json, long deadLetterId, ObjectMapper mapper) {
        return new Batch(instanceId, sink, events(json, mapper, "dead letter " + deadLetterId), deadLetterId, null);
    }

    /** The outbox entry's batch, sent again; its records were settled when it was kept. */
    public static Batch fromOutbox(OutboxEntry entry, ObjectMapper mapper) {
        return new Batch(entry.instanceId(), Sink.byId(entry.sink()), events(entry.payload(), mapper,
                "outbox entry " + entry.id()), null, entry);
    }

    private static List<OutboundEvent> events(String json, ObjectMapper mapper, String what) {
        try {
            JsonNode array = mapper.readTree(json);
            List<OutboundEvent> events = new ArrayList<>(array.size());
            for (JsonNode e : array) {
                events.add(new OutboundEvent(mapper.writeValueAsBytes(e), null));
            }
            return events;
        } catch (IOException e) {
            throw new UncheckedIOException(what + " does not hold a JSON array", e);
        }
    }

    /** The outbox entry this batch comes from, or null. */
    public OutboxEntry outboxEntry() {
        return outboxEntry;
    }

    public String instanceId() {
        return instanceId;
    }

    public Sink sink() {
        return sink;
    }

    public List<OutboundEvent> events() {
        return events;
    }

    public int size() {
        return events.size();
    }

    public long bytes() {
        return bytes;
    }

    public Long deadLetterId() {
        return deadLetterId;
    }

    public Outcome outcome() {
        return outcome;
    }

    public void outcome(Outcome outcome) {
        this.outcome = outcome;
    }

    @Override
    public String toString() {
        return "Batch[" + instanceId + " " + sink.id() + ", " + events.size() + " events, " + bytes + " bytes]";
    }
}
