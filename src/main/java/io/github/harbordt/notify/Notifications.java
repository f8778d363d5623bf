package io.github.harbordt.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.harbordt.config.NotificationSettings;
import io.github.harbordt.exchange.Counters;
import io.github.harbordt.exchange.ExchangeNames;
import io.github.harbordt.mapping.RiskLevel;
import io.github.harbordt.mapping.RuntimeContext;
import io.github.harbordt.mapping.ScannedArtifact;
import io.github.harbordt.mapping.Vulnerability;
import io.github.harbordt.runtime.RuntimeContexts;
import io.github.harbordt.state.SightedGroup;
import io.github.harbordt.state.Sighting;
import io.github.harbordt.state.SightingStore;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLHandshakeException;

/**
 * New critical vulnerabilities in production, one notification per group and channel. The crawl and the webhooks
 * {@link #record} what they see; {@link #decide} (daily, or after each cycle) turns every group that is new and worth it
 * into one PENDING notification per channel; the send route delivers each and marks it SENT only once its channel
 * accepted it. A group keeps its notification rows as long as it is remembered, so it is never notified twice.
 */
public class Notifications {

    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);

    private final SightingStore store;
    private final NotificationSettings settings;
    private final ObjectMapper json;
    private final Clock clock;
    private final RuntimeContexts runtimes;
    private volatile ProducerTemplate template;

    public Notifications(SightingStore store, NotificationSettings settings, RuntimeContexts runtimes, ObjectMapper json,
                         Clock clock) {
        this.store = store;
        this.runtimes = runtimes;
        this.settings = settings;
        this.json = json;
        this.clock = clock;
    }

    public NotificationSettings settings() {
        return settings;
    }

    public SightingStore store() {
        return store;
    }

    /**
     * Remembers the image's findings at or above the threshold, when the image runs where it must to count, whether
     * or not notifications are sent: the funnel's last step reads the same memory.
     *
     * The image's newest scan is the truth: a vulnerability it no longer reports leaves the image, and a group left in
     * no image is resolved.
     *
     * @return how many of those findings belong to a group first seen within {@code notifications.new-within}, and how
     *         many groups this scan resolved
     */
    public Recorded record(ScannedArtifact artifact, List<Vulnerability> vulnerabilities, RuntimeContext runtime) {
        if (!settings.rules().counts(runtime)) {
            return new Recorded(0, 0);
        }
        List<Sighting> sightings = new ArrayList<>();
        for (Vulnerability v : vulnerabilities) {
            RiskLevel risk = RiskLevel.ofSeverity(v.severity());
            if (risk.atLeast(settings.rules().threshold())) {
                sightings.add(new Sighting(v.id(), v.description() == null ? v.id() : firstLine(v.description().text()),
                        artifact.registry(), artifact.repository(), v.packageName(), v.version(), risk.name(),
                        v.fixVersion(), artifact.digest(), artifact.tags(), runtime));
            }
        }
        Instant now = clock.instant();
        int resolved = store.record(artifact.registry(), artifact.repository(), artifact.digest(), sightings, now);
        if (sightings.isEmpty()) {
            return new Recorded(0, resolved);
        }
        Set<String> fresh = store.firstSeenSince(sightings.stream().map(Sighting::groupKey).collect(Collectors.toSet()),
                now.minus(settings.rules().newWithin()));
        return new Recorded(sightings.stream().filter(s -> fresh.contains(s.groupKey())).count(), resolved);
    }

    /** What recording one scan found: findings of new groups, and groups it resolved. */
    public record Recorded(long newFindings, int resolvedGroups) {
    }

    /** After a crawl: every image it listed is still there, so are its findings; their runtime is refreshed too. */
    public void cycleDone(Map<String, String> scannedImages) throws InterruptedException {
        if (!runtimes.enabled() && !settings.rules().counts(null)) {
            // no finding can count without runtime context: the memory stays empty, nothing to refresh or forget
            return;
        }
        if (!settings.enabled()) {
            // no daily decision forgets old groups then: the cycle does, for the funnel's memory
            store.forgetBefore(clock.instant().minus(settings.rules().retention()));
        }
        Map<String, RuntimeContext> images = new HashMap<>();
        for (Map.Entry<String, String> e : scannedImages.entrySet()) {
            images.put(e.getKey(), runtimes.contextOf(e.getKey(), e.getValue()));
        }
        store.touch(images, clock.instant());
    }

    /**
     * Forgets groups gone longer than the retention, then creates the notifications of the new groups worth one and
     * (with {@code notifications.resolved}) of the announced groups that are resolved.
     */
    public int decide() throws JsonProcessingException {
        Instant now = clock.instant();
        int forgotten = store.forgetBefore(now.minus(settings.rules().retention()));
        int created = 0;
        for (SightedGroup group : store.unnotifiedSince(now.minus(settings.rules().newWithin()))) {
            List<SightedGroup.Image> affected = settings.rules().affected(group);
            if (!affected.isEmpty()) {
                store.createNotifications(group.groupKey(), SightingStore.Kind.NEW, settings.channels(),
                        json.writeValueAsString(NotificationMessage.of(group, affected, now, settings.dynatraceUi())), now);
                created++;
            }
        }
        int resolved = 0;
        if (settings.announceResolved()) {
            for (SightingStore.Resolved r : store.resolvedToAnnounce()) {
                List<String> channels = r.channels().stream().filter(settings.channels()::contains).toList();
                if (!channels.isEmpty()) {
                    store.createNotifications(r.group().groupKey(), SightingStore.Kind.RESOLVED, channels,
                            json.writeValueAsString(NotificationMessage.resolved(r.group(), r.resolvedAt(), now,
                                    settings.dynatraceUi())), now);
                    resolved++;
                }
            }
        }
        LOG.info("New vulnerabilities: {} new group(s) to notify on {}{}; {} group(s) forgotten after notifications.retention",
                created, settings.channels(), settings.announceResolved() ? ", " + resolved + " resolved group(s) to announce" : "",
                forgotten);
        return created;
    }

    public List<SightingStore.Notification> pending() {
        return store.notifications(SightingStore.State.PENDING);
    }

    /**
     * One attempt: the channel route gets a fresh exchange with the payload JSON and the channel and group in headers,
     * so whatever the route (or its own error handler) does, the next attempt starts from the same notification.
     */
    public void send(Exchange exchange) throws ChannelFailedException {
        SightingStore.Notification n = exchange.getProperty(ExchangeNames.NOTIFICATION, SightingStore.Notification.class);
        if (template == null) {
            template = exchange.getContext().createProducerTemplate();
        }
        Exchange attempt = template.send("direct:notify-" + n.channel(), e -> {
            e.getMessage().setHeader(ExchangeNames.NOTIFICATION_CHANNEL, n.channel());
            e.getMessage().setHeader(ExchangeNames.NOTIFICATION_GROUP, n.groupKey());
            e.getMessage().setBody(n.payload());
        });
        if (attempt.getException() != null) {
            throw new ChannelFailedException(n.channel(), attempt.getException());
        }
    }

    /** The channel did not accept the notification. */
    public static final class ChannelFailedException extends Exception {
        ChannelFailedException(String channel, Exception cause) {
            super("channel '" + channel + "': " + cause.getMessage(), cause);
        }
    }

    /** Whether this replica sends the notification: another one may be sending it, or have sent it since it was listed. */
    public boolean claim(@ExchangeProperty(ExchangeNames.NOTIFICATION) SightingStore.Notification n) {
        return store.claim(n);
    }

    public void sent(CamelContext context, @ExchangeProperty(ExchangeNames.NOTIFICATION) SightingStore.Notification n) {
        store.sent(n, clock.instant());
        count(context, n, "sent");
    }

    /** {@code harbor_connector_notifications_total{channel, kind, outcome}}: sent, failed (tried again later), dead. */
    private static void count(CamelContext context, SightingStore.Notification n, String outcome) {
        Counters.increment(context, "harbor.connector.notifications", "Notification attempts by channel and outcome",
                "channel", n.channel(), "kind", n.kind().name().toLowerCase(Locale.ROOT), "outcome", outcome);
    }

    /** The channel failed after its retries: tried again at the next run, until notifications.max-attempts. */
    public void failed(CamelContext context, @ExchangeProperty(ExchangeNames.NOTIFICATION) SightingStore.Notification n,
                       @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception e) {
        String group = n.groupKey();
        String channel = n.channel();
        int attempts = store.notification(group, channel, n.kind()).map(SightingStore.Notification::attempts).orElse(0) + 1;
        boolean dead = attempts >= settings.maxAttempts();
        String reason = e == null ? "" : e.getMessage() + trustHint(e);
        store.failed(n, reason, dead);
        count(context, n, dead ? "dead" : "failed");
        LOG.warn("Notification {} to channel '{}' failed (attempt {} of {}){}: {}", group.substring(0, 12), channel,
                attempts, settings.maxAttempts(), dead ? ", given up (state DEAD)" : ", tried again at the next run", reason);
    }

    /** A channel behind a private certificate authority: the failure names the setting that trusts it. */
    static String trustHint(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException) {
                return " (the channel's certificate is not trusted: set notifications.ca-file to the PEM file of the "
                        + "certificate authority that signed it)";
            }
        }
        return "";
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        String line = nl < 0 ? text : text.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
