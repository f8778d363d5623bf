package io.github.harbordt.pipeline;

import io.github.harbordt.dynatrace.DeliveryRoutes;
import io.github.harbordt.dynatrace.MetricRoutes;
import io.github.harbordt.exchange.ExchangeNames;
import io.github.harbordt.harbor.HarborNotFoundException;
import io.github.harbordt.harbor.HarborPages;
import io.github.harbordt.harbor.HarborRequests;
import io.github.harbordt.harbor.HarborRetryableException;
import io.github.harbordt.notify.NotificationRoutes;
import io.github.harbordt.notify.Notifications;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

import java.io.IOException;
import javax.net.ssl.SSLHandshakeException;
import java.time.Duration;

/**
 * The scan crawl: systeminfo check, projects, (repositories,) artifacts page by page, each new scan's report, mapping,
 * and hand-over to the batcher. Every scheduled task of an instance (this crawl, the audit-log read, the webhook
 * policies) is a Quartz route from the {@code harbor-schedule} template. The Harbor request routes at the end ({@code direct:harbor-get}) serve the audit-log read too: they take the
 * instance from the {@link io.github.harbordt.pipeline.HarborCycle} property.
 */
public class HarborRoutes extends RouteBuilder {

    public static final String SCAN_CYCLE = "direct:harbor-scan-cycle";
    /** Parameters: {@code harborInstance}, {@code task} (names the route), {@code schedule} (Quartz options), {@code target}. */
    public static final String SCHEDULE_TEMPLATE = "harbor-schedule";
    /** Reads the report of the selected artifact's scan (a failed scan has none), maps it and hands the events to the batcher. */
    public static final String SCAN = "direct:harbor-scan";
    /** One Harbor GET of the URL in the {@link HarborRequests#URL} property, retried when transient; body = JSON. */
    public static final String GET = "direct:harbor-get";
    /** One POST or PUT ({@link HarborRequests#WRITE_METHOD}, {@link HarborRequests#WRITE_BODY}); not retried. */
    public static final String WRITE = "direct:harbor-write";

    private final ScanCycles cycles;
    private final CycleMeters cycleMeters;
    private final SystemInfo systemInfo = new SystemInfo();
    private final HarborRequests requests;
    private final HarborPages pages;
    private final ScanEventsProcessor mapping;
    private final int retries;
    private final Duration retryDelay;
    private final Notifications notifications;
    private final Duration progressInterval;

    public HarborRoutes(ScanCycles cycles, HarborRequests requests, HarborPages pages, ScanEventsProcessor mapping,
                        int retries, Duration retryDelay, Notifications notifications, CycleMeters cycleMeters,
                        Duration progressInterval) {
        this.progressInterval = progressInterval;
        this.cycles = cycles;
        this.cycleMeters = cycleMeters;
        this.requests = requests;
        this.pages = pages;
        this.mapping = mapping;
        this.retries = retries;
        this.retryDelay = retryDelay;
        this.notifications = notifications;
    }

    @Override
    public void configure() {
        // stateful: Quartz never starts a task while its previous run for the same instance still runs
        routeTemplate(SCHEDULE_TEMPLATE)
                .templateParameter(ExchangeNames.INSTANCE).templateParameter("task").templateParameter("schedule")
                .templateParameter("target")
                .from("quartz:harbor/{{" + ExchangeNames.INSTANCE + "}}-{{task}}?{{schedule}}&stateful=true&trigger.misfireInstruction=2")
                .setHeader(ExchangeNames.INSTANCE, constant("{{" + ExchangeNames.INSTANCE + "}}"))
                .to("{{target}}");

        // the body ends as the cycle's CycleResult (pipeline.CycleResult)
        from(SCAN_CYCLE).routeId("harbor-scan-cycle")
                .choice()
                .when(method(cycles, "begin"))
                    .doTry()
                        .setProperty(ExchangeNames.HARBOR_URL, method(systemInfo, "url"))
                        .to(GET).id("harbor-systeminfo")
                        .bean(systemInfo, "check")
                        // what Dynatrace could not take earlier goes before new work
                        .setBody(header(ExchangeNames.INSTANCE))
                        .to(DeliveryRoutes.OUTBOX_DRAIN).id("scan-cycle-outbox")
                        // and so do the artifacts earlier cycles could not read
                        .to("direct:harbor-pending-artifacts").id("scan-cycle-pending")
                        .setProperty(ExchangeNames.HARBOR_URL, method(cycles, "projectsUrl"))
                        .setProperty(ExchangeNames.PAGE_ROUTE, constant("direct:harbor-projects-page"))
                        .to("direct:harbor-list").id("harbor-crawl")
                        .to("direct:harbor-scan-cycle-finish").id("cycle-finish")
                    .doCatch(Exception.class)
                        .setBody(method(cycles, "abort")).id("cycle-abort")
                    .end()
                .endChoice()
                .otherwise()
                    .setBody(method(cycles, "notStarted"))
                .end()
                .bean(cycleMeters, "scans");

        // what follows a cycle runs on a copy of its exchange: the cycle does not wait for its metrics or notifications
        from("direct:harbor-scan-cycle-finish").routeId("harbor-scan-cycle-finish")
                .setBody(method(cycles, "finish"))
                .wireTap("direct:harbor-cycle-done").id("cycle-done");

        from("direct:harbor-cycle-done").routeId("harbor-cycle-done")
                .bean(cycleMeters, "funnel")
                .setBody(method(cycles, "funnelLines"))
                .to(MetricRoutes.METRICS)
                .process(e -> notifications.cycleDone(ScanCycle.of(e).scannedImages()))
                .filter(constant(notifications.settings().enabled() && notifications.settings().afterEachCycle()))
                    .to(NotificationRoutes.TRIGGER)
                .end();

        from("timer:harbor-cycle-progress?delay=" + progressInterval.toMillis() + "&period=" + progressInterval.toMillis())
                .routeId("harbor-cycle-progress")
                .bean(cycles, "progress(" + progressInterval.toMillis() + ")");

        // Follows Harbor's Link header page by page; each page is handed to the page route as a list.
        from("direct:harbor-list").routeId("harbor-list")
                .setProperty(ExchangeNames.PAGES, constant(0))
                .loopDoWhile(exchangeProperty(ExchangeNames.HARBOR_URL).isNotNull()).breakOnShutdown()
                    .to(GET).id("harbor-page")
                    .bean(pages, "read")
                    .toD("${exchangeProperty." + ExchangeNames.PAGE_ROUTE + "}")
                .end();

        from("direct:harbor-projects-page").routeId("harbor-projects-page")
                .split(body()).stopOnException()
                    .filter(method(cycles, "project"))
                        .choice()
                            .when(method(cycles, "projectWideListing"))
                                .setProperty(ExchangeNames.HARBOR_URL, method(cycles, "projectArtifactsUrl"))
                                .setProperty(ExchangeNames.PAGE_ROUTE, constant("direct:harbor-artifacts-page"))
                            .otherwise()
                                .setProperty(ExchangeNames.HARBOR_URL, method(cycles, "repositoriesUrl"))
                                .setProperty(ExchangeNames.PAGE_ROUTE, constant("direct:harbor-repositories-page"))
                        .end()
                        .to("direct:harbor-list")
                    .end()
                .end();

        from("direct:harbor-repositories-page").routeId("harbor-repositories-page")
                .split(body()).stopOnException()
                    .filter(method(cycles, "repository"))
                        .setProperty(ExchangeNames.HARBOR_URL, method(cycles, "repositoryArtifactsUrl"))
                        .setProperty(ExchangeNames.PAGE_ROUTE, constant("direct:harbor-artifacts-page"))
                        .to("direct:harbor-list")
                    .end()
                .end();

        // Reports are fetched in parallel, bounded by the shared pool (harbor.parallelism).
        from("direct:harbor-artifacts-page").routeId("harbor-artifacts-page")
                .split(body()).parallelProcessing().executorService("harborPool").stopOnException()
                    .to("direct:harbor-artifact")
                .end();

        // one artifact whose report cannot be read does not hold back the others: it is kept pending
        from("direct:harbor-artifact").routeId("harbor-artifact")
                .setBody(method(cycles, "select"))
                .filter(body().isNotNull())
                    .doTry()
                        .to(SCAN)
                    .doCatch(Exception.class).onWhen(method(cycles, "pendable"))
                        .bean(cycles, "keepPending")
                    .end()
                .end();

        from("direct:harbor-pending-artifacts").routeId("harbor-pending-artifacts")
                .setBody(method(cycles, "pendingArtifacts"))
                .split(body())
                    .to("direct:harbor-pending-artifact")
                .end();

        from("direct:harbor-pending-artifact").routeId("harbor-pending-artifact")
                .doTry()
                    .setProperty(ExchangeNames.HARBOR_URL, method(cycles, "pendingArtifactUrl"))
                    .to(GET).id("pending-artifact-get")
                    .setBody(method(cycles, "selectPending"))
                    .to("direct:harbor-pending-scan")
                    .bean(cycles, "pendingDone")
                .doCatch(HarborNotFoundException.class)
                    .bean(cycles, "pendingDone")
                .doCatch(Exception.class).onWhen(method(cycles, "pendable"))
                    .bean(cycles, "keepPending")
                .end();

        from("direct:harbor-pending-scan").routeId("harbor-pending-scan")
                .filter(body().isNotNull())
                    .to(SCAN)
                .end();

        // The scan of the artifact in the ARTIFACT property, to events: the crawl and the webhooks both end here.
        from(SCAN).routeId("harbor-scan")
                .setBody(constant(null))
                .filter(method(cycles, "successful"))
                    .setProperty(ExchangeNames.HARBOR_URL, method(cycles, "reportUrl"))
                    .to("direct:harbor-report")
                .end()
                .process(mapping).id("scan-mapping")
                .split(body())
                    .to(DeliveryRoutes.SECURITY_EVENTS)
                .end();

        from("direct:harbor-report").routeId("harbor-report")
                .doTry()
                    .to(GET).id("harbor-report-get")
                .doCatch(HarborNotFoundException.class)
                    .log(LoggingLevel.WARN, "Artifact gone before its report was read, skipped: ${exception.message}")
                    .setBody(constant(null))
                .end();

        // The retried unit: one GET with its header preparation. Transient failures are retried with backoff; anything
        // else (auth, permission, bad request) fails the cycle at once with a message naming the setting.
        from(GET).routeId("harbor-get")
                // the cycle logs the final failure in one line (ScanCycles.abort); no second report with a stack trace here
                .errorHandler(defaultErrorHandler().maximumRedeliveries(0).logExhausted(false))
                .onException(HarborRetryableException.class, IOException.class)
                    .maximumRedeliveries(retries).redeliveryDelay(retryDelay.toMillis())
                    .useExponentialBackOff().backOffMultiplier(2).maximumRedeliveryDelay(60_000)
                    .retryAttemptedLogLevel(LoggingLevel.WARN).logExhausted(false)
                .end()
                // a certificate nobody vouches for stays so: the cycle's line names the setting at once
                .onException(SSLHandshakeException.class)
                    .maximumRedeliveries(0).logExhausted(false)
                .end()
                .to("direct:harbor-request");

        // writes are not retried: the next pass (webhook.policy-interval) compares and writes again
        from(WRITE).routeId("harbor-write")
                .errorHandler(noErrorHandler())
                .bean(requests, "prepareWrite")
                .toD("${exchangeProperty." + ExchangeNames.WRITE_ENDPOINT + "}").id("harbor-write-http")
                .bean(requests, "read");

        from("direct:harbor-request").routeId("harbor-request")
                .errorHandler(noErrorHandler())
                .bean(requests, "prepare")
                .toD("${exchangeProperty." + ExchangeNames.HARBOR_ENDPOINT + "}").id("harbor-http")
                .bean(requests, "read");
    }
}
