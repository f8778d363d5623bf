package io.github.harbordt.dynatrace;

import io.github.harbordt.config.DynatraceSettings;
import io.github.harbordt.exchange.ExchangeNames;
import io.github.harbordt.mapping.LogLimits;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;

import javax.net.ssl.SSLHandshakeException;
import org.apache.camel.processor.aggregate.AggregateController;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.ExecutorService;

/**
 * Batching and delivery to Dynatrace. {@code direct:security-events} takes chunks of events, {@code direct:audit-logs}
 * chunks of log records; batches leave by size or time and go to {@code direct:deliver}, which retries
 * 429/5xx/connection errors with backoff (honouring Retry-After) and then keeps the batch in the outbox, splits on 413,
 * dead-letters 400, and stops the instance on 401/403/404. {@code direct:dynatrace-outbox-drain} sends the outbox's due
 * batches again.
 */
public class DeliveryRoutes extends RouteBuilder {

    public static final String SECURITY_EVENTS = "direct:security-events";
    public static final String AUDIT_LOGS = "direct:audit-logs";
    public static final String DELIVER = "direct:deliver";
    /**
     * Extension points: a drop-in route from one of these receives every batch of mapped security events, or of audit
     * log records, as the JSON array sent to Dynatrace (headers {@value ExchangeNames#INSTANCE} and {@value ExchangeNames#SINK}),
     * once, when the batch is formed; on its own thread, so a slow or failing second destination never holds up
     * Dynatrace. Without such a route nothing is sent there.
     */
    public static final String SECURITY_EVENTS_OUT = "direct:harbor-security-events-out";
    public static final String AUDIT_LOGS_OUT = "direct:harbor-audit-logs-out";
    /** Body: the instance id whose due outbox entries are sent again, or null for every instance. */
    public static final String OUTBOX_DRAIN = "direct:dynatrace-outbox-drain";

    private final DynatraceSettings settings;
    private final DynatraceRequests requests;
    private final AggregateController securityEventsBatcher;
    private final AggregateController auditLogsBatcher;
    private final ExecutorService deliveryPool;
    private final Outbox outbox;
    private ProducerTemplate extensionTemplate;

    /**
     * @param deliveryPool sends completed batches; bounded and running in the caller when full, so a slow Dynatrace
     *                     slows the crawl down instead of letting completed batches pile up in memory
     */
    public DeliveryRoutes(DynatraceSettings settings, DynatraceRequests requests, AggregateController securityEventsBatcher,
                          AggregateController auditLogsBatcher, ExecutorService deliveryPool, Outbox outbox) {
        this.settings = settings;
        this.outbox = outbox;
        this.requests = requests;
        this.securityEventsBatcher = securityEventsBatcher;
        this.auditLogsBatcher = auditLogsBatcher;
        this.deliveryPool = deliveryPool;
    }

    @Override
    public void configure() {
        from(SECURITY_EVENTS).routeId("security-events-batcher")
                .aggregate(exchangeProperty(ExchangeNames.INSTANCE),
                        new BatchAggregationStrategy(Sink.SECURITY_EVENTS, settings.maxBatchBytes(), settings.maxBatchRecords()))
                    .id("security-events-aggregator")
                    .aggregateController(securityEventsBatcher)
                    .parallelProcessing().executorService(deliveryPool)
                    .completionTimeout(settings.batchTimeout().toMillis())
                    .completionTimeoutCheckerInterval(Math.min(1000, Math.max(100, settings.batchTimeout().toMillis() / 2)))
                    .process(this::offerToExtensions).id("security-events-extension")
                    .to(DELIVER)
                .end();

        // Audit rows must arrive in id order and the high-water mark follows each delivered batch, so their batches
        // leave one at a time on the audit cycle's own thread: no delivery pool and no completion timeout; a batch ends
        // when the next chunk would not fit (preComplete) or when the cycle forces it at its end.
        from(AUDIT_LOGS).routeId("audit-logs-batcher")
                .aggregate(exchangeProperty(ExchangeNames.INSTANCE),
                        new BatchAggregationStrategy(Sink.LOGS, Math.min(settings.maxBatchBytes(), LogLimits.MAX_REQUEST_BYTES),
                                Math.min(settings.maxBatchRecords(), LogLimits.MAX_RECORDS)))
                    .id("audit-logs-aggregator")
                    .aggregateController(auditLogsBatcher)
                    // a bound that always holds (a chunk has at least one record); preComplete does the real work
                    .completionSize(Math.min(settings.maxBatchRecords(), LogLimits.MAX_RECORDS))
                    .process(this::offerToExtensions).id("audit-logs-extension")
                    .to(DELIVER)
                .end();

        from(DELIVER).routeId("dynatrace-deliver")
                .errorHandler(deadLetterChannel("direct:dead-letter")
                        .deadLetterHandleNewException(false)
                        .maximumRedeliveries(settings.maxRedeliveries())
                        .redeliveryDelay(settings.retryDelay().toMillis())
                        .useExponentialBackOff().backOffMultiplier(2)
                        .maximumRedeliveryDelay(settings.maxRetryDelay().toMillis())
                        .useCollisionAvoidance()
                        .retryAttemptedLogLevel(LoggingLevel.WARN)
                        .onExceptionOccurred(new RetryAfterProcessor(settings.maxRetryDelay().toMillis())))
                .onException(RejectedDeliveryException.class, DeliveryHaltedException.class)
                    .maximumRedeliveries(0).handled(true)
                    .to("direct:dead-letter")
                .end()
                .bean(requests, "guard").id("delivery-guard")
                .to(settings.dryRun() ? "direct:dry-run" : "direct:dynatrace-post").id("send")
                .bean(requests, "delivered");

        if (settings.dryRun()) {
            from("direct:dry-run").routeId("dry-run-sink")
                    .setProperty(ExchangeNames.BATCH, body())
                    .process(e -> e.getMessage().setHeader(Exchange.FILE_NAME, e.getMessage().getBody(Batch.class).sink().id()
                            + "-" + LocalDate.now(ZoneOffset.UTC) + ".jsonl"))
                    .transform().body(Batch.class, Batch::toJsonLines)
                    .to("file:" + settings.dryRunDir().toAbsolutePath() + "?fileExist=Append").id("dry-run-file")
                    .setBody(exchangeProperty(ExchangeNames.BATCH))
                    .setProperty(ExchangeNames.DECISION, constant(ResponseDecision.DELIVERED));
        } else {
            from("direct:dynatrace-post").routeId("dynatrace-post")
                    .errorHandler(noErrorHandler())
                    .bean(requests, "prepare")
                    .doTry()
                        .to(requests.endpointUri()).id("dynatrace-ingest")
                    .doCatch(SSLHandshakeException.class)
                        // a certificate nobody vouches for stays so: no retries, delivery stops naming the setting
                        .bean(requests, "untrusted")
                    .end()
                    .bean(requests, "judge")
                    .filter(exchangeProperty(ExchangeNames.DECISION).isEqualTo(ResponseDecision.SPLIT))
                        .split().body(Batch.class, Batch::halves)
                            .to(DELIVER)
                        .end()
                    .end();
        }

        from("direct:dead-letter").routeId("dead-letter")
                .bean(requests, "deadLetter").id("dead-letter-store");

        ProducerTemplate deliver = getContext().createProducerTemplate();
        from(OUTBOX_DRAIN).routeId("dynatrace-outbox-drain")
                .process(e -> outbox.drain(e.getMessage().getBody(String.class), deliver, DELIVER)).id("outbox-drain");
    }

    /** Hands a copy of the batch to the extension route of its sink, if a drop-in route consumes it. */
    private void offerToExtensions(Exchange exchange) {
        Batch batch = exchange.getMessage().getBody(Batch.class);
        String uri = batch.sink() == Sink.SECURITY_EVENTS ? SECURITY_EVENTS_OUT : AUDIT_LOGS_OUT;
        CamelContext ctx = exchange.getContext();
        boolean consumed = ctx.getRoutes().stream().anyMatch(r -> uri.equals(r.getEndpoint().getEndpointUri())
                || uri.replace("direct:", "direct://").equals(r.getEndpoint().getEndpointUri()));
        if (consumed) {
            String json = new String(batch.toJsonArray(), StandardCharsets.UTF_8);
            extensions(ctx).asyncSend(uri, e -> {
                e.getMessage().setBody(json);
                e.getMessage().setHeader(ExchangeNames.INSTANCE, batch.instanceId());
                e.getMessage().setHeader(ExchangeNames.SINK, batch.sink().id());
            });
        }
    }

    private synchronized ProducerTemplate extensions(CamelContext ctx) {
        if (extensionTemplate == null) {
            extensionTemplate = ctx.createProducerTemplate();
        }
        return extensionTemplate;
    }

    /** Service mode: the outbox's due batches are sent again every {@code dynatrace.outbox.check-interval}. */
    public static RouteBuilder drainSchedule(Duration interval) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:dynatrace-outbox?delay=" + interval.toMillis() + "&period=" + interval.toMillis())
                        .routeId("dynatrace-outbox-schedule")
                        .setBody(constant(null))
                        .to(OUTBOX_DRAIN);
            }
        };
    }
}
