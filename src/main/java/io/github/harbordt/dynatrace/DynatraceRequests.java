package io.github.harbordt.dynatrace;

import io.github.harbordt.config.DynatraceSettings;
import io.github.harbordt.pipeline.DeliveryLedger;
import io.github.harbordt.state.DeadLetterStore;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/** Builds each ingest request, judges Dynatrace's answer, and records what became of each batch. */
public class DynatraceRequests {

    private static final Logger LOG = LoggerFactory.getLogger(DynatraceRequests.class);
    /** Exchange property: the batch being sent (the body is the request, then the response). */
    public static final String BATCH = "deliveryBatch";
    /** Exchange property: the decision on Dynatrace's answer. */
    public static final String DECISION = "deliveryDecision";
    private static final int MAX_ANSWER = 2000;

    private final DynatraceSettings settings;
    private final DeliveryLedger ledger;
    private final DeadLetterStore deadLetters;

    public DynatraceRequests(DynatraceSettings settings, DeliveryLedger ledger, DeadLetterStore deadLetters) {
        this.settings = settings;
        this.ledger = ledger;
        this.deadLetters = deadLetters;
    }

    public String endpointUri(Sink sink) {
        return settings.url() + path(sink) + "?httpMethod=POST&throwExceptionOnFailure=false";
    }

    private String path(Sink sink) {
        return switch (sink) {
            case SECURITY_EVENTS -> settings.securityEventsPath();
        };
    }

    /** Refuses to send for an instance whose token was already refused: the data stays in Harbor, not in the DLQ. */
    public void guard(Exchange exchange) {
        Batch batch = exchange.getMessage().getBody(Batch.class);
        ledger.haltReason(batch.instanceId()).ifPresent(reason -> {
            throw new DeliveryHaltedException(reason, 0);
        });
    }

    public void prepare(Exchange exchange) {
        var message = exchange.getMessage();
        Batch batch = message.getBody(Batch.class);
        exchange.setProperty(BATCH, batch);
        // the Harbor call's headers (CamelHttpUri above all) must not leak into this request; the redelivery headers stay
        message.removeHeaders("*", "CamelRedeliver*");
        message.setHeader("Authorization", "Api-Token " + settings.token());
        message.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
        message.setBody(new BatchEntity(batch));
    }

    /** Sets {@link #DECISION}; throws for answers the error handler must act on. */
    public void judge(Exchange exchange) {
        var message = exchange.getMessage();
        Batch batch = exchange.getProperty(BATCH, Batch.class);
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        ResponseDecision decision = ResponseDecision.of(status);
        String answer = decision == ResponseDecision.DELIVERED ? "" : answer(message.getBody(InputStream.class));
        Map<String, Object> headers = message.getHeaders();
        message.setBody(batch);
        exchange.setProperty(DECISION, decision);
        String what = "Dynatrace answered " + status + " to " + batch;
        switch (decision) {
            case DELIVERED -> { }
            case SPLIT -> {
                if (batch.size() < 2) {
                    throw new RejectedDeliveryException(what + ": a single event is larger than Dynatrace accepts. " + answer, status);
                }
                LOG.warn("{}: splitting it in two and resending", what);
            }
            case RETRY -> throw new RetryableDeliveryException(what + " " + answer, status,
                    RetryAfter.millis(headers, Instant.now()));
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
                    + "https://abc12345.live.dynatrace.com) and dynatrace.security-events-path, then restart";
        };
    }

    public void delivered(Exchange exchange) {
        if (exchange.getProperty(DECISION) == ResponseDecision.DELIVERED) {
            Batch batch = exchange.getMessage().getBody(Batch.class);
            ledger.delivered(batch);
            if (batch.deadLetterId() != null) {
                deadLetters.markReplayed(batch.deadLetterId());
            }
        }
    }

    /** The dead-letter channel's target: store the batch with the reason, durably, before it counts as settled. */
    public void deadLetter(Exchange exchange) {
        // after prepare() the body is the request entity; the batch itself is kept in a property
        Batch batch = exchange.getMessage().getBody() instanceof Batch b ? b : exchange.getProperty(BATCH, Batch.class);
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
        long id = deadLetters.save(batch.instanceId(), batch.sink().id(), reason, status, batch.size(),
                new String(batch.toJsonArray(), StandardCharsets.UTF_8));
        LOG.warn("Dead-lettered {} as entry {}: {}", batch, id, reason);
        ledger.deadLettered(batch);
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
