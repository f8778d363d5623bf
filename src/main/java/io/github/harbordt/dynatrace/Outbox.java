package io.github.harbordt.dynatrace;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.harbordt.config.OutboxSettings;
import io.github.harbordt.state.DeadLetterStore;
import io.github.harbordt.state.OutboxEntry;
import io.github.harbordt.state.OutboxStore;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Keeps what Dynatrace could not take for a while. A 429, a 5xx, a refused or reset connection or a timeout is no
 * verdict on the data: after the delivery route's own retries the batch goes here, durably, and is sent again with
 * capped exponential backoff (honouring {@code Retry-After}) until Dynatrace accepts it. What Dynatrace refuses on its
 * merits still goes to the dead-letter store, and so does an entry older than {@code dynatrace.outbox.max-age}.
 */
public class Outbox {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    /** Entries sent per pass; the next pass goes on. */
    private static final int PASS = 100;

    private final OutboxStore store;
    private final DeadLetterStore deadLetters;
    private final OutboxSettings settings;
    private final ObjectMapper json;
    private final Clock clock;

    public Outbox(OutboxStore store, DeadLetterStore deadLetters, OutboxSettings settings, ObjectMapper json, Clock clock) {
        this.store = store;
        this.deadLetters = deadLetters;
        this.settings = settings;
        this.json = json;
        this.clock = clock;
    }

    /** Whether a failure says nothing about the data: Dynatrace was busy, down or out of reach. */
    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RetryableDeliveryException || t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** Keeps the batch for a later attempt (a batch from the outbox keeps its entry, one attempt more). */
    public void keep(Batch batch, Throwable failure) {
        long retryAfter = failure instanceof DeliveryException d ? d.retryAfterMillis() : -1;
        String error = failure == null ? "unknown failure" : failure.getClass().getSimpleName() + ": " + failure.getMessage();
        OutboxEntry entry = batch.outboxEntry();
        int attempts = entry == null ? 1 : entry.attempts() + 1;
        Instant next = clock.instant().plus(settings.backoff(attempts, retryAfter));
        if (entry == null) {
            store.add(batch.instanceId(), batch.sink().id(), batch.size(), new String(batch.toJsonArray(), StandardCharsets.UTF_8),
                    error, next);
            LOG.warn("{} kept in the outbox, next attempt at {}: {}", batch, next, error);
        } else {
            store.retryLater(entry.id(), attempts, next, error);
            LOG.warn("Outbox entry {} ({}) still not accepted after {} attempts, next at {}: {}", entry.id(), batch, attempts,
                    next, error);
        }
    }

    /** The batch was accepted, or refused on its merits and dead-lettered: its outbox entry, if any, is done. */
    public void done(Batch batch) {
        if (batch.outboxEntry() != null) {
            store.remove(batch.outboxEntry().id());
        }
    }

    /**
     * Sends the due entries of the instance (null: of every instance) through {@code deliver}, oldest first, and stops
     * at the first one Dynatrace still does not take: the others would meet the same outage. Entries older than the
     * maximum age go to the dead-letter store instead. An entry another replica is sending is left to it.
     */
    public void drain(String instanceId, ProducerTemplate deliver, String endpoint) {
        Instant now = clock.instant();
        for (OutboxEntry entry : store.due(instanceId, now, PASS)) {
            if (!store.claim(entry.id(), now)) {
                continue;
            }
            if (entry.createdAt().isBefore(now.minus(settings.maxAge()))) {
                long id = deadLetters.save(entry.instanceId(), entry.sink(), "not accepted by Dynatrace within "
                        + "dynatrace.outbox.max-age (" + settings.maxAge() + ") after " + entry.attempts() + " attempts; last: "
                        + entry.lastError(), null, entry.records(), entry.payload());
                store.remove(entry.id());
                LOG.error("Outbox entry {} of {} is older than dynatrace.outbox.max-age: dead-lettered as entry {}",
                        entry.id(), entry.instanceId(), id);
                continue;
            }
            Batch batch = Batch.fromOutbox(entry, json);
            deliver.sendBody(endpoint, batch);
            if (batch.outcome() == Batch.Outcome.QUEUED || batch.outcome() == Batch.Outcome.HALTED) {
                return;
            }
        }
    }

    /** Batches of the instance for the sink that wait in the outbox. */
    public int waiting(String instanceId, Sink sink) {
        return store.count(instanceId, sink.id());
    }

    /** Batches waiting, of every instance and sink. */
    public int waiting() {
        return store.count(null, null);
    }

    public List<OutboxEntry> entries() {
        return store.all();
    }
}
