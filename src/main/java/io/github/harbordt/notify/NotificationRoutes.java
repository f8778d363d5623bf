package io.github.harbordt.notify;

import io.github.harbordt.auth.DynatraceCredentials;
import io.github.harbordt.config.DynatraceSettings;
import io.github.harbordt.config.NotificationSettings;
import io.github.harbordt.exchange.ExchangeNames;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

import java.nio.file.Path;

/**
 * The decision and the delivery of notifications. Every trigger (the daily {@link #schedule}, the end of a cycle) goes through
 * one queue with one consumer, so two runs never send the same notification at once. Each notification is sent to
 * its channel's route, {@code direct:notify-<channel>}: the built-in ones below, or a drop-in route of that name
 * (README, "Notifications"). A channel accepted the notification when its route ends without an exception; only then
 * is it marked SENT. One failing channel does not hold up the others. Channel routes keep the error handler they
 * have (a drop-in's is Camel's default): {@link Notifications#send} calls each on an exchange of its own.
 */
public class NotificationRoutes extends RouteBuilder {

    /**
     * The channels' own camel-http component: their proxy ({@code notifications.proxy}) and certificate authority
     * ({@code notifications.ca-file}) are not Dynatrace's.
     */
    public static final String COMPONENT = "notify-http";

    /** Runs the decision and sends what is pending, on the caller's thread. */
    public static final String RUN = "direct:notifications";
    /** Asks for a run without waiting for it. */
    public static final String TRIGGER = "seda:notifications-trigger?pollTimeout=200";

    private final Notifications notifications;
    private final NotificationSettings settings;
    private final Path localDir;
    private final DynatraceSettings dynatrace;
    private final DynatraceCredentials credentials;

    /** @param dynatrace where the {@code dynatrace} channel sends events; its dry-run folder takes the {@code local} channel's files */
    public NotificationRoutes(Notifications notifications, NotificationSettings settings, DynatraceSettings dynatrace,
                              DynatraceCredentials credentials) {
        this.credentials = credentials;
        this.notifications = notifications;
        this.settings = settings;
        this.localDir = dynatrace.dryRunDir();
        this.dynatrace = dynatrace;
    }

    @Override
    public void configure() {
        from(TRIGGER).routeId("notifications-trigger")
                .to(RUN);

        from(RUN).routeId("notifications")
                .bean(notifications, "decide").id("notifications-decide")
                .setBody(method(notifications, "pending"))
                .split(body())
                    .setProperty(ExchangeNames.NOTIFICATION, body())
                    // replicas on one database list the same pending notifications: each is sent by one
                    .filter(method(notifications, "claim"))
                        .to("direct:notification-send")
                    .end()
                .end();

        from("direct:notification-send").routeId("notification-send")
                .onException(Exception.class).handled(true)
                    .maximumRedeliveries(settings.retries()).redeliveryDelay(settings.retryDelay().toMillis())
                    .useExponentialBackOff().backOffMultiplier(2).retryAttemptedLogLevel(LoggingLevel.DEBUG).logExhausted(false)
                    .bean(notifications, "failed")
                .end()
                .bean(notifications, "send").id("notification-channel")
                .bean(notifications, "sent");

        from("direct:notify-local").routeId("notify-local")
                .errorHandler(noErrorHandler())
                .transform(body().append("\n"))
                .setHeader(Exchange.FILE_NAME, simple("notifications-${date:now:yyyy-MM-dd}.jsonl"))
                .to("file:" + localDir.toAbsolutePath() + "?fileExist=Append");

        if (!settings.webhookUrl().isEmpty()) {
            from("direct:notify-webhook").routeId("notify-webhook")
                    .errorHandler(noErrorHandler())
                    .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                    .process(e -> {
                        if (!settings.webhookAuthHeader().isEmpty()) {
                            e.getMessage().setHeader("Authorization", settings.webhookAuthHeader());
                        }
                    })
                    .setHeader(Exchange.HTTP_URI, constant(settings.webhookUrl()))
                    .to(endpoint(settings.webhookUrl(), "POST"));
        }
        if (!settings.slackUrl().isEmpty()) {
            chat("slack", settings.slackUrl(), "slack");
        }
        if (!settings.teamsUrl().isEmpty()) {
            chat("teams", settings.teamsUrl(), "teams");
        }
        if (settings.channels().contains("jira")) {
            JiraChannel jira = new JiraChannel(settings.jira());
            String jiraUrl = settings.jira().url();
            from("direct:notify-jira").routeId("notify-jira")
                    .errorHandler(noErrorHandler())
                    .bean(jira, "search")
                    .to(endpoint(jiraUrl, "GET")).id("jira-search")
                    .choice()
                        .when(method(jira, "resolvedWithIssue"))
                            .bean(jira, "comment")
                            .to(endpoint(jiraUrl, "POST")).id("jira-comment")
                        .when(method(jira, "resolution"))
                            .log("Jira has no issue for this resolved vulnerability (deleted?): nothing to comment on")
                        .when(method(jira, "exists"))
                            .log("Jira already has ${header.jiraIssue} for this vulnerability: no second issue")
                        .otherwise()
                            .bean(jira, "create")
                            .to(endpoint(jiraUrl, "POST")).id("jira-create")
                    .end();
        }
        if (settings.channels().contains("dynatrace")) {
            from("direct:notify-dynatrace").routeId("notify-dynatrace")
                    .errorHandler(noErrorHandler())
                    .process(e -> e.getMessage().setBody(ChannelMessages.dynatraceEvent(e.getMessage().getBody(String.class),
                            settings.dynatraceEventType())))
                    .removeHeaders("*")
                    .setHeader(Exchange.HTTP_URI, constant(dynatrace.url() + settings.dynatraceEventsPath()))
                    .process(e -> e.getMessage().setHeader("Authorization", credentials.authorization()))
                    .setHeader(Exchange.CONTENT_TYPE, constant("application/json; charset=utf-8"))
                    .to(dynatrace.url() + "?httpMethod=POST&throwExceptionOnFailure=true");
        }
    }

    private void chat(String channel, String url, String renderer) {
        from("direct:notify-" + channel).routeId("notify-" + channel)
                .errorHandler(noErrorHandler())
                .bean(ChannelMessages.class, renderer)
                .removeHeaders("*")
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                .setHeader(Exchange.HTTP_URI, constant(url))
                .to(endpoint(url, "POST"));
    }

    /** The daily decision ({@code notifications.cron}); added with the other schedules, in service mode only. */
    public static RouteBuilder schedule(String cron) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("quartz:notifications/decide?cron=" + cron.trim().replace(' ', '+') + "&stateful=true")
                        .routeId("notifications-schedule")
                        .to(TRIGGER);
            }
        };
    }

    /**
     * The channels' endpoint for a host; each call's exact URL (its query included) comes from {@code CamelHttpUri}.
     * Any answer but 2xx fails the attempt.
     */
    private static String endpoint(String url, String method) {
        return COMPONENT + "://" + url.replaceFirst("^(?i)https?://", "").replaceFirst("[/?#].*$", "")
                + "?httpMethod=" + method + "&throwExceptionOnFailure=true";
    }
}
