package io.github.harbordt.config;

import io.github.harbordt.mapping.RiskLevel;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * New critical vulnerabilities in production, one notification each: keys {@code notifications.*}
 * (config/application.properties documents each).
 *
 * @param channels      where each notification goes: {@code local}, {@code webhook}, {@code slack}, {@code teams},
 *                      {@code jira}, {@code dynatrace}, or a drop-in route's name
 * @param cron          when the decision runs (Quartz cron; default daily at 08:00)
 * @param afterEachCycle also decide at the end of every scan cycle
 * @param maxAttempts   runs a notification is tried in before it is given up (DEAD) and dead-lettered
 */
public record NotificationSettings(boolean enabled, NotificationRules rules, List<String> channels, String cron,
                                   boolean afterEachCycle, boolean announceResolved, int retries, Duration retryDelay, int maxAttempts,
                                   String webhookUrl, String webhookAuthHeader, String slackUrl, String teamsUrl,
                                   Jira jira, String dynatraceEventType, String dynatraceEventsPath,
                                   String dynatraceUi) {

    /**
     * @param user  with {@code token}: basic authentication (Jira Cloud: e-mail and API token); empty: the token is
     *              sent as a bearer token (Jira Data Center personal access token)
     * @param searchPath where existing issues are looked up by label ({@code /rest/api/3/search/jql} on Jira Cloud)
     */
    public record Jira(String url, String project, String issueType, List<String> labels, String user, String token,
                       String searchPath) {
        public String authorization() {
            return user.isEmpty() ? "Bearer " + token : "Basic " + java.util.Base64.getEncoder()
                    .encodeToString((user + ":" + token).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Jira[" + url + " " + project + "]";
        }
    }

    /**
     * @param dynatraceUrl where events go ({@code https://abc.live.dynatrace.com}): its platform UI
     *                     ({@code https://abc.apps.dynatrace.com}) is where notifications link to, unless
     *                     {@code notifications.dynatrace-ui-url} says otherwise
     */
    public static NotificationSettings load(Settings s, String productionStage, boolean dryRun, String dynatraceUrl) {
        String level = s.string("notifications.min-risk-level").toUpperCase(Locale.ROOT);
        RiskLevel threshold;
        try {
            threshold = RiskLevel.valueOf(level);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("notifications.min-risk-level must be one of CRITICAL, HIGH, MEDIUM, LOW; was " + level);
        }
        Duration newWithin = s.duration("notifications.new-within");
        Duration retention = s.duration("notifications.retention");
        if (retention.compareTo(Duration.ofDays(7)) < 0) {
            throw new IllegalArgumentException("notifications.retention must be at least 7d: a vulnerability seen in the "
                    + "last seven days is not new; was " + retention);
        }
        List<String> channels = Arrays.stream(s.optional("notifications.channels").orElse(dryRun ? "local" : "").split(","))
                .map(String::trim).filter(c -> !c.isEmpty()).toList();
        for (String c : channels) {
            if (!c.matches("[a-z0-9-]+")) {
                throw new IllegalArgumentException("notifications.channels: '" + c + "' is not a channel name (a-z, 0-9, -)");
            }
        }
        NotificationSettings settings = new NotificationSettings(s.bool("notifications.enabled"),
                new NotificationRules(threshold, newWithin, retention, s.bool("notifications.require-running"),
                        s.bool("notifications.require-production"), productionStage),
                channels, s.string("notifications.cron"), s.bool("notifications.after-each-cycle"),
                s.bool("notifications.resolved"),
                s.integer("notifications.retries"), s.duration("notifications.retry-delay"),
                Math.max(1, s.integer("notifications.max-attempts")), s.string("notifications.webhook.url"),
                s.string("notifications.webhook.auth-header"), s.string("notifications.slack.url"),
                s.string("notifications.teams.url"),
                new Jira(s.string("notifications.jira.url").replaceAll("/+$", ""), s.string("notifications.jira.project"),
                        s.string("notifications.jira.issue-type"),
                        Arrays.stream(s.string("notifications.jira.labels").split(","))
                                .map(String::trim).filter(l -> !l.isEmpty()).toList(),
                        s.string("notifications.jira.user"), s.string("notifications.jira.token"),
                        s.string("notifications.jira.search-path")),
                s.string("notifications.dynatrace.event-type"),
                s.string("notifications.dynatrace.path"),
                s.optional("notifications.dynatrace-ui-url").orElse(dynatraceUrl.contains(".live.dynatrace.com")
                        ? dynatraceUrl.replace(".live.dynatrace.com", ".apps.dynatrace.com") : "").replaceAll("/+$", ""));
        settings.requireUrl("webhook", settings.webhookUrl(), "notifications.webhook.url");
        settings.requireUrl("slack", settings.slackUrl(), "notifications.slack.url");
        settings.requireUrl("teams", settings.teamsUrl(), "notifications.teams.url");
        settings.requireUrl("jira", settings.jira().url(), "notifications.jira.url");
        settings.requireUrl("jira", settings.jira().project(), "notifications.jira.project");
        settings.requireUrl("jira", settings.jira().token(), "notifications.jira.token");
        if (settings.channels().contains("dynatrace") && dryRun) {
            throw new IllegalArgumentException("notifications.channels has dynatrace but dynatrace.url (DT_URL) is empty");
        }
        return settings;
    }

    private void requireUrl(String channel, String value, String setting) {
        if (channels.contains(channel) && value.isEmpty()) {
            throw new IllegalArgumentException("notifications.channels has " + channel + " but " + setting + " is empty");
        }
    }

    public NotificationSettings withAfterEachCycle() {
        return new NotificationSettings(enabled, rules, channels, cron, true, announceResolved, retries, retryDelay, maxAttempts, webhookUrl,
                webhookAuthHeader, slackUrl, teamsUrl, jira, dynatraceEventType, dynatraceEventsPath, dynatraceUi);
    }

    @Override
    public String toString() {
        // the webhook URLs of Slack carry their secret
        return "NotificationSettings[channels=" + channels + ", rules=" + rules + "]";
    }
}
