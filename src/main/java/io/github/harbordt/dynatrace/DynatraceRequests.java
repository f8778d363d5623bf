package io.github.harbordt.dynatrace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.harbordt.auth.DynatraceCredentials;
import io.github.harbordt.config.DynatraceSettings;
import io.github.harbordt.exchange.Counters;
import io.github.harbordt.exchange.ExchangeNames;
import io.github.harbordt.mapping.LogLimits;
import io.github.harbordt.state.DeadLetterStore;
import io.github.harbordt.state.StateStoreException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import javax.net.ssl.SSLHandshakeException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds each ingest request, judges Dynatrace's answer, and records what became of each batch. */
public class DynatraceRequests {

    private static final Logger LOG = LoggerFactory.getLogger(DynatraceRequests.class);
    private static final int MAX_ANSWER = 2000;

    private final DynatraceSettings settings;
    private final DeliveryOutcomes ledger;
    private final DeadLetterStore deadLetters;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final DynatraceCredentials credentials;

    public DynatraceRequests(DynatraceSettings settings, DynatraceCredentials credentials, DeliveryOutcomes ledger,
                             DeadLetterStore deadLetters, Outbox outbox, ObjectMapper json) {
        this.settings = settings;
        this.credentials = credentials;
        this.ledger = ledger;
        this.deadLetters = deadLetters;
        this.outbox = outbox;
        this.json = json;
    }

    /** The endpoint every batch goes through; {@link #prepare} sets the exact URL of the batch's sink. */
    public String endpointUri() {
        return settings.url() + "?httpMethod=POST&throwExceptionOnFailure=false";
    }

    private String path(Sink sink) {
        return switch (sink) {
            case SECURITY_EVENTS -> settings.securityEventsPath();
            case LOGS -> settings.logsPath();
        };
    }

    /** Refuses to send for an instance whose token was already refused: the data stays in Harbor, not in the DLQ. */
    public void guard(Exchange exchange) {
        Batch batch = exchange.getMessage().getBody(Batch.class);
        ledger.haltReason(batch.instanceId(), batch.sink()).ifPresent(reason -> {
            throw new DeliveryHaltedException(reason, 0);
        });
    }

    public void prepare(Exchange exchange) throws IOException, InterruptedException {
        var message = exchange.getMessage();
        Batch batch = message.getBody(Batch.class);
        exchange.setProperty(ExchangeNames.BATCH, batch);
        // the Harbor call's headers (CamelHttpUri above all) must not leak into this request; the redelivery headers stay
        message.removeHeaders("*", "CamelRedeliver*");
        message.setHeader(Exchange.HTTP_URI, settings.url() + path(batch.sink()));
        try {
            message.setHeader("Authorization", credentials.authorization());
        } catch (DynatraceCredentials.RefusedException e) {
            // a refused OAuth client is a refused token: delivery stops until the settings change
            throw new DeliveryHaltedException("Dynatrace's " + e.getMessage(), 401);
        }
        message.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
        message.setBody(new BatchEntity(batch));
    }

    /** Dynatrace's certificate was not trusted: delivery stops until the trust is set and the connector restarts. */
    public void untrusted(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) SSLHandshakeException e) {
        throw new DeliveryHaltedException("Dynatrace's certificate at " + settings.url() + " is not trusted (" + e.getMessage()
                + "): set dynatrace.ca-file to the PEM file of the certificate authority that signed it (an ActiveGate's "
                + "own, for example), then restart", 0);
    }

    /** Sets {@link ExchangeNames#DECISION}; throws for answers the error handler must act on. */
    public void judge(Exchange exchange) {
        var message = exchange.getMessage();
        Batch batch = exchange.getProperty(ExchangeNames.BATCH, Batch.class);
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        // every attempt: 429 and 5xx are the retries, 400 and 413 the refusals
        Counters.increment(exchange.getContext(), "harbor.connector.dynatrace.responses",
                "Dynatrace's answers to the delivery attempts by HTTP status", "harbor_instance", batch.instanceId(),
                "sink", batch.sink().id(), "status", String.valueOf(status));
        ResponseDecision decision = ResponseDecision.of(batch.sink(), status);
        String answer = decision == ResponseDecision.DELIVERED ? "" : answer(message.getBody(InputStream.class));
        Map<String, Object> headers = message.getHeaders();
        message.setBody(batch);
        exchange.setProperty(ExchangeNames.DECISION, decision == ResponseDecision.PARTIAL ? ResponseDecision.DELIVERED : decision);
        String what = "Dynatrace answered " + status + " to " + batch;
        switch (decision) {
            case DELIVERED -> { }
            case PARTIAL -> deadLetterRefused(batch, answer, ResponseHeaders.date(headers).orElseGet(Instant::now));
            case SPLIT -> {
                if (batch.size() < 2) {
                    throw new RejectedDeliveryException(what + ": a single event is larger than Dynatrace accepts. " + answer, status);
                }
                LOG.warn("{}: splitting it in two and resending", what);
            }
            case RETRY -> throw new RetryableDeliveryException(what + " " + answer, status,
                    ResponseHeaders.retryAfterMillis(headers, Instant.now()));
            case DEAD_LETTER -> throw new RejectedDeliveryException(what + " " + answer, status);
            case HALT -> throw new DeliveryHaltedException(haltMessage(status, batch.sink()), status);
        }
    }

    private String haltMessage(int status, Sink sink) {
        String endpoint = settings.url() + path(sink);
        return switch (status) {
            case 401 -> "Dynatrace rejected the token (401) for " + endpoint + ": set DT_TOKEN (dynatrace.token) to a valid "
                    + "access token with scope " + sink.tokenScope() + ", then restart";
            case 403 -> "Dynatrace refused the token (403) for " + endpoint + ": the token in DT_TOKEN lacks scope "
                    + sink.tokenScope() + "; add the scope, then restart";
            default -> "Dynatrace has no ingest endpoint at " + endpoint + " (404): check DT_URL (dynatrace.url, e.g. "
                    + "https://abc12345.live.dynatrace.com) and dynatrace." + (sink == Sink.LOGS ? "logs-path" : "security-events-path")
                    + ", then restart";
        };
    }

    public void delivered(Exchange exchange) {
        if (exchange.getProperty(ExchangeNames.DECISION) == ResponseDecision.DELIVERED) {
            Batch batch = exchange.getMessage().getBody(Batch.class);
            ledger.delivered(batch);
            outbox.done(batch);
            if (batch.deadLetterId() != null) {
                deadLetters.markReplayed(batch.deadLetterId());
            }
        }
    }

    /**
     * The dead-letter channel's target, after the route's retries: a transient failure keeps the batch in the outbox,
     * anything else stores it in the dead-letter store with the reason; durably, before it counts as settled.
     */
    public void deadLetter(Exchange exchange) {
        // after prepare() the body is the request entity; the batch itself is kept in a property
        Batch batch = exchange.getMessage().getBody() instanceof Batch b ? b : exchange.getProperty(ExchangeNames.BATCH, Batch.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (cause instanceof DeliveryHaltedException halted) {
            ledger.abandoned(batch, halted.getMessage());
            return;
        }
        String reason = cause == null ? "unknown failure" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        Integer status = cause instanceof DeliveryException d && d.status() > 0 ? d.status() : null;
        if (batch.deadLetterId() != null) {
            deadLetters.recordFailedReplay(batch.deadLetterId(), reason, status);
            batch.outcome(Batch.Outcome.DEAD_LETTERED);
            return;
        }
        long id;
        try {
            if (Outbox.isTransient(cause)) {
                outbox.keep(batch, cause);
                ledger.queued(batch);
                return;
            }
            id = deadLetters.save(batch.instanceId(), batch.sink().id(), reason, status, batch.size(),
                    new String(batch.toJsonArray(), StandardCharsets.UTF_8));
            outbox.done(batch);
        } catch (StateStoreException e) {
            ledger.unrecorded(batch, e);
            return;
        }
        LOG.warn("Dead-lettered {} as entry {}: {}", batch, id, reason);
        ledger.deadLettered(batch);
    }

    /**
     * Dynatrace kept part of a log batch without saying which records it dropped. The records that break a documented
     * limit by Dynatrace's own clock (its {@code Date} header) are the dropped ones: they go to the dead-letter store
     * without their {@code timestamp}, so a replay is accepted at ingest time. If none can be named, the whole batch is
     * stored for inspection. Either way the batch counts as delivered: re-sending it would duplicate what was kept.
     */
    private void deadLetterRefused(Batch batch, String answer, Instant dynatraceNow) {
        ArrayNode refused = json.createArrayNode();
        List<String> reasons = new ArrayList<>();
        for (OutboundEvent e : batch.events()) {
            JsonNode record = readRecord(e);
            Optional<String> why = LogLimits.refusal(record, dynatraceNow);
            if (why.isPresent()) {
                if (record instanceof ObjectNode o) {
                    o.remove("timestamp");
                }
                refused.add(record);
                reasons.add("id " + record.path("id").asText("?") + ": " + why.get());
            }
        }
        String reason;
        String payload;
        int records;
        if (refused.isEmpty()) {
            reason = "Dynatrace kept only part of " + batch + " and named no record (" + answer + "); the whole batch is "
                    + "kept here for inspection: replaying it re-sends the records Dynatrace did keep";
            payload = new String(batch.toJsonArray(), StandardCharsets.UTF_8);
            records = batch.size();
        } else {
            reason = "Dynatrace dropped " + refused.size() + " of " + batch.size() + " records (" + answer + "): "
                    + String.join("; ", reasons);
            payload = refused.toString();
            records = refused.size();
        }
        long id = deadLetters.save(batch.instanceId(), batch.sink().id(), reason, 200, records, payload);
        ledger.refused(batch, records);
        LOG.warn("Dead-lettered {} records of {} as entry {}: {}", records, batch, id, reason);
    }

    private JsonNode readRecord(OutboundEvent e) {
        try {
            return json.readTree(e.json());
        } catch (IOException ex) {
            return json.getNodeFactory().textNode(new String(e.json(), StandardCharsets.UTF_8));
        }
    }

    private static String answer(InputStream body) {
        if (body == null) {
            return "";
        }
        try (body) {
            byte[] bytes = body.readNBytes(MAX_ANSWER);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "";
        }
    }
}
