package io.github.harbordt.config;

import io.github.harbordt.mapping.RiskLevel;
import io.github.harbordt.notify.NotificationRules;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * New critical vulnerabilities in production, one notification each: keys {@code notifications.*}
 * (config/application.properties documents each).
 *
 * @param channels      where each notification goes: {@code local}, {@code webhook}, {@code slack}, or a drop-in route's name
 * @param cron          when the decision runs (Quartz cron; default daily at 08:00)
 * @param afterEachCycle also decide at the end of every scan cycle
 * @param maxAttempts   runs a notification is tried in before it is given up (DEAD) and dead-lettered
 */
public record NotificationSettings(boolean enabled, NotificationRules rules, List<String> channels, String cron,
                                   boolean afterEachCycle, int retries, Duration retryDelay, int maxAttempts,
                                   String webhookUrl, String webhookAuthHeader, String slackUrl) {

    public static NotificationSettings load(Settings s, String productionStage, boolean dryRun) {
        String level = s.string("notifications.min-risk-level", "CRITICAL").toUpperCase(Locale.ROOT);
        RiskLevel threshold;
        try {
            threshold = RiskLevel.valueOf(level);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("notifications.min-risk-level must be one of CRITICAL, HIGH, MEDIUM, LOW; was " + level);
        }
        Duration newWithin = s.duration("notifications.new-within", "24h");
        Duration retention = s.duration("notifications.retention", "30d");
        if (retention.compareTo(Duration.ofDays(7)) < 0) {
            throw new IllegalArgumentException("notifications.retention must be at least 7d: a vulnerability seen in the "
                    + "last seven days is not new; was " + retention);
        }
        List<String> channels = Arrays.stream(s.string("notifications.channels", dryRun ? "local" : "").split(","))
                .map(String::trim).filter(c -> !c.isEmpty()).toList();
        for (String c : channels) {
            if (!c.matches("[a-z0-9-]+")) {
                throw new IllegalArgumentException("notifications.channels: '" + c + "' is not a channel name (a-z, 0-9, -)");
            }
        }
        NotificationSettings settings = new NotificationSettings(s.bool("notifications.enabled", true),
                new NotificationRules(threshold, newWithin, retention, s.bool("notifications.require-running", true),
                        s.bool("notifications.require-production", true), productionStage),
                channels, s.string("notifications.cron", "0 0 8 * * ?"), s.bool("notifications.after-each-cycle", false),
                s.integer("notifications.retries", 3), s.duration("notifications.retry-delay", "2s"),
                Math.max(1, s.integer("notifications.max-attempts", 5)), s.string("notifications.webhook.url", ""),
                s.string("notifications.webhook.auth-header", ""), s.string("notifications.slack.url", ""));
        settings.requireUrl("webhook", settings.webhookUrl(), "notifications.webhook.url");
        settings.requireUrl("slack", settings.slackUrl(), "notifications.slack.url");
        return settings;
    }

    private void requireUrl(String channel, String url, String setting) {
        if (channels.contains(channel) && url.isEmpty()) {
            throw new IllegalArgumentException("notifications.channels has " + channel + " but " + setting + " is empty");
        }
    }

    public NotificationSettings withAfterEachCycle() {
        return new NotificationSettings(enabled, rules, channels, cron, true, retries, retryDelay, maxAttempts, webhookUrl,
                webhookAuthHeader, slackUrl);
    }

    @Override
    public String toString() {
        // the webhook URLs of Slack carry their secret
        return "NotificationSettings[channels=" + channels + ", rules=" + rules + "]";
    }
}
