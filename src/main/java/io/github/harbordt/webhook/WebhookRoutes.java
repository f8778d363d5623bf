package io.github.harbordt.webhook;

import io.github.harbordt.config.WebhookSettings;
import io.github.harbordt.exchange.ExchangeNames;
import io.github.harbordt.pipeline.HarborRoutes;
import io.github.harbordt.pipeline.ScanCycles;
import io.github.harbordt.pipeline.ScanNotFinishedException;
import io.github.harbordt.pipeline.SystemInfo;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ExchangeTimedOutException;
import org.apache.camel.builder.RouteBuilder;

import java.util.List;

/**
 * Harbor's webhooks. The receiving route only checks and queues, so Harbor has its answer in milliseconds (it gives
 * up after 3 s); the queue's consumers read each named artifact back from the API and hand it to the crawl's own scan
 * route. The queue is in memory on purpose: a webhook lost with the process is still delivered by the next crawl,
 * whose watermark a webhook never moves.
 */
public class WebhookRoutes extends RouteBuilder {

    public static final String RECEIVER_ROUTE = "harbor-webhook-receiver";
    /** One pass over an instance's projects (header {@link ExchangeNames#INSTANCE}); body = what a dry run would change. */
    public static final String POLICIES = "direct:harbor-webhook-policies";

    private final WebhookSettings settings;
    private final WebhookReceiver receiver;
    private final WebhookScans scans;
    private final ScanCycles cycles;
    private final WebhookPolicies policies;
    private final SystemInfo systemInfo = new SystemInfo();

    public WebhookRoutes(WebhookSettings settings, WebhookReceiver receiver, WebhookScans scans, ScanCycles cycles,
                         WebhookPolicies policies) {
        this.settings = settings;
        this.receiver = receiver;
        this.scans = scans;
        this.cycles = cycles;
        this.policies = policies;
    }

    @Override
    public void configure() {
        // one URI for producer and consumer: seda endpoints with different options would be different queues
        String queue = "seda:harbor-webhooks?size=" + settings.queueSize() + "&concurrentConsumers=" + settings.threads()
                + "&blockWhenFull=true&offerTimeout=500&pollTimeout=200";

        from(WebhookHttp.COMPONENT + ":" + settings.path() + "/{" + ExchangeNames.INSTANCE + "}?httpMethodRestrict=POST")
                .routeId(RECEIVER_ROUTE)
                .onException(WebhookReceiver.Refusal.class).handled(true)
                    .bean(receiver, "refusal")
                .end()
                // the queue stayed full for offerTimeout: Harbor retries the webhook (3 times), the crawl is the net
                .onException(ExchangeTimedOutException.class).handled(true)
                    .process(e -> scans.refused(receiver.instanceId(e)))
                    .log("Webhook queue full (webhook.queue-size=" + settings.queueSize() + "): answered 503")
                    .process(e -> WebhookReceiver.reply(e, 503, "busy"))
                .end()
                .bean(receiver, "accept").id("webhook-accept")
                .choice()
                    .when(method(receiver, "isScanEvent"))
                        .process(e -> scans.queued(receiver.instanceId(e)))
                        .to(ExchangePattern.InOnly, queue).id("webhook-enqueue")
                        .process(e -> WebhookReceiver.reply(e, 202, "accepted"))
                    .otherwise()
                        .process(e -> WebhookReceiver.reply(e, 200, "ignored"))
                .end();

        // a failure that the Harbor request route already gave up on (retries exhausted, 404) no longer reaches a
        // caller's onException: caught here, each artifact's failure is one line and the others still go on
        from(queue).routeId("harbor-webhook-scans")
                .split(method(scans, "begin"))
                    .doTry()
                        .to("direct:harbor-webhook-artifact")
                    .doCatch(Exception.class)
                        .bean(scans, "failed")
                    .end()
                .end()
                .bean(scans, "done");

        from("direct:harbor-webhook-artifact").routeId("harbor-webhook-artifact")
                .onException(ScanNotFinishedException.class).handled(true)
                    .maximumRedeliveries(settings.recheckAttempts()).redeliveryDelay(settings.recheckDelay().toMillis())
                    .logRetryAttempted(false).logExhausted(false)
                    .bean(scans, "notFinished")
                .end()
                .setProperty(ExchangeNames.HARBOR_URL, body())
                .to("direct:harbor-webhook-read").id("webhook-artifact-read")
                .filter(body().isNotNull())
                    .to(HarborRoutes.SCAN)
                .end();

        // the unit a not-yet-finished scan repeats: read the artifact, then decide as the crawl does
        from("direct:harbor-webhook-read").routeId("harbor-webhook-read")
                .errorHandler(noErrorHandler())
                .to(HarborRoutes.GET).id("webhook-artifact-get")
                .setBody(method(cycles, "select"));

        from(POLICIES).routeId("harbor-webhook-policies")
                .doTry()
                    .setProperty(ExchangeNames.HARBOR_URL, method(policies, "begin"))
                    .to(HarborRoutes.GET).id("policies-systeminfo")
                    .bean(systemInfo, "check")
                    .setProperty(ExchangeNames.HARBOR_URL, method(policies, "projectsUrl"))
                    .setProperty(ExchangeNames.PAGE_ROUTE, constant("direct:harbor-webhook-policy-projects"))
                    .to("direct:harbor-list")
                    .setBody(method(policies, "finish"))
                .doCatch(Exception.class)
                    .bean(policies, "abort")
                    .setBody(constant(List.of()))
                .end();

        from("direct:harbor-webhook-policy-projects").routeId("harbor-webhook-policy-projects")
                .split(body()).stopOnException()
                    .filter(method(policies, "project"))
                        .setProperty(ExchangeNames.HARBOR_URL, method(policies, "policiesUrl"))
                        .to(HarborRoutes.GET).id("policies-list")
                        .filter(method(policies, "plan"))
                            .to(HarborRoutes.WRITE).id("policies-write")
                            .bean(policies, "written")
                        .end()
                    .end()
                .end();
    }
}
