package io.github.harbordt.webhook;

import io.github.harbordt.config.HarborInstance;
import io.github.harbordt.config.WebhookSettings;
import io.github.harbordt.dynatrace.Sink;
import io.github.harbordt.exchange.ExchangeNames;
import io.github.harbordt.harbor.HarborNotFoundException;
import io.github.harbordt.harbor.HarborUrls;
import io.github.harbordt.pipeline.CycleGuard;
import io.github.harbordt.pipeline.CycleStats;
import io.github.harbordt.pipeline.DeliveryLedger;
import io.github.harbordt.pipeline.HarborCycle;
import io.github.harbordt.pipeline.ScanCycle;
import io.github.harbordt.pipeline.ScanCycles;
import io.github.harbordt.pipeline.SystemInfo;
import org.apache.camel.Exchange;
import org.apache.camel.processor.aggregate.AggregateController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The steps of a webhook's check that the webhook routes call. A webhook only names artifacts; each one is read back
 * from the API (its scan status, report id and tags are what the crawl would see) and then goes the crawl's way
 * ({@link ScanCycles#select}, the report, the mapping), so a scan reaches Dynatrace once whichever path meets it first.
 * Nothing here moves a watermark: a webhook lost or dropped before its events settled is the crawl's to deliver.
 */
public class WebhookScans {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookScans.class);

    private final CycleGuard guard;
    private final AggregateController batcher;
    private final WebhookSettings settings;
    private final Clock clock;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    /** Per instance: webhooks accepted and not yet checked, and since when events wait in an open batch. */
    private static final class Pending {
        final AtomicInteger webhooks = new AtomicInteger();
        final AtomicLong waitingSinceNanos = new AtomicLong(0);
    }

    public WebhookScans(Map<String, HarborInstance> instances, DeliveryLedger ledger, AggregateController batcher,
                        WebhookSettings settings, Clock clock) {
        this.guard = new CycleGuard(instances, ledger, Sink.SECURITY_EVENTS, "webhook", instance -> true, clock);
        this.batcher = batcher;
        this.settings = settings;
        this.clock = clock;
    }

    /** Counts a webhook handed to the queue; {@link #done} counts it off. */
    public void queued(String instanceId) {
        pending(instanceId).webhooks.incrementAndGet();
    }

    /** The queue refused the webhook (full): it will not reach {@link #done}. */
    public void refused(String instanceId) {
        pending(instanceId).webhooks.decrementAndGet();
    }

    /**
     * Sets the exchange up for reading the webhook's artifacts and returns their API URLs; empty when there is nothing
     * to read (delivery halted, project not monitored).
     */
    public List<String> begin(Exchange exchange) {
        WebhookCall call = exchange.getMessage().getBody(WebhookCall.class);
        exchange.setProperty(ExchangeNames.WEBHOOK_CALL, call);
        HarborWebhook webhook = call.webhook();
        Optional<HarborInstance> attached = guard.attach(exchange, call.instanceId());
        if (attached.isEmpty()) {
            return List.of();
        }
        HarborInstance instance = attached.get();
        if (!instance.projects().accepts(webhook.projectName())) {
            LOG.debug("Harbor '{}': webhook for project {} ignored (harbor.projects filters)", instance.id(), webhook.projectName());
            return List.of();
        }
        exchange.setProperty(ExchangeNames.CYCLE, ScanCycle.webhook(instance, new CycleStats(), clock.instant()));
        exchange.setProperty(ExchangeNames.PROJECT_NAME, webhook.projectName());
        exchange.setProperty(ExchangeNames.REPOSITORY_NAME, webhook.repository());
        HarborUrls urls = HarborUrls.of(instance);
        return webhook.artifacts().stream()
                .map(a -> urls.artifact(webhook.projectName(), webhook.repository(), a.digest()))
                .toList();
    }

    /** Harbor kept showing the scan as running: the crawl delivers it once it finished. */
    public void notFinished(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.info("Harbor '{}': webhook {} for {}: {} after {} checks; the next crawl delivers the scan once it finished",
                call(exchange).instanceId(), call(exchange).webhook().eventType(), artifactPath(exchange), e.getMessage(),
                settings.recheckAttempts() + 1);
    }

    /** The artifact could not be read (Harbor down, permission): the crawl is the safety net. */
    public void failed(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String id = call(exchange).instanceId();
        if (e instanceof HarborNotFoundException) {
            LOG.info("Harbor '{}': webhook {} for {}: the artifact no longer exists, nothing to send", id,
                    call(exchange).webhook().eventType(), artifactPath(exchange));
            return;
        }
        HarborCycle cycle = HarborCycle.of(exchange);
        LOG.warn("Harbor '{}': webhook {} for {} not processed, the next crawl delivers its scan: {}", id,
                call(exchange).webhook().eventType(), artifactPath(exchange), SystemInfo.reason(cycle.instance(), e));
    }

    /**
     * Ends the webhook's check with one log line, and sends the instance's open batch unless more webhooks are about
     * to join it, and none of its events has waited {@code webhook.max-batch-delay} yet: a lone scan leaves at once, a
     * burst (Harbor's scan-all) still shares batches.
     */
    public void done(Exchange exchange) {
        WebhookCall call = call(exchange);
        HarborCycle cycle = HarborCycle.of(exchange);
        if (cycle != null) {
            LOG.info("Harbor '{}' webhook {}: {} seconds={}", call.instanceId(), describe(exchange), cycle.stats().webhookSummary(),
                    String.format("%.2f", cycle.seconds()));
        }
        Pending p = pending(call.instanceId());
        int left = p.webhooks.decrementAndGet();
        boolean handedOver = cycle != null && cycle.stats().scansNew.get() > 0;
        long now = System.nanoTime();
        if (handedOver) {
            p.waitingSinceNanos.compareAndSet(0, now);
        }
        long since = p.waitingSinceNanos.get();
        if (since != 0 && (left <= 0 || now - since >= settings.maxBatchDelay().toNanos())
                && p.waitingSinceNanos.compareAndSet(since, 0)) {
            batcher.forceCompletionOfGroup(call.instanceId());
        }
    }

    /** The artifact's API path, from the URL of the read that failed or was repeated. */
    private static String artifactPath(Exchange exchange) {
        String url = String.valueOf(exchange.getProperty(ExchangeNames.HARBOR_URL, String.class));
        int api = url.indexOf("/projects/");
        int query = url.indexOf('?');
        return url.substring(Math.max(0, api), query < 0 ? url.length() : query);
    }

    private static WebhookCall call(Exchange exchange) {
        return exchange.getProperty(ExchangeNames.WEBHOOK_CALL, WebhookCall.class);
    }

    private static String describe(Exchange exchange) {
        HarborWebhook w = call(exchange).webhook();
        return w.eventType() + " " + w.repository() + " " + w.artifacts().stream().map(HarborWebhook.Artifact::digest).toList();
    }

    private Pending pending(String instanceId) {
        return pending.computeIfAbsent(instanceId, k -> new Pending());
    }
}
