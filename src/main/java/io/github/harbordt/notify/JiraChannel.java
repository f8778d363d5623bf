package io.github.harbordt.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.harbordt.config.NotificationSettings;
import io.github.harbordt.exchange.ExchangeNames;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The steps of the Jira channel: look for the issue the connector may already have created for this group (by its
 * label), and create one only when there is none, so a retried notification never opens a second issue. A resolved
 * group's announcement is a comment on that issue.
 */
public class JiraChannel {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final NotificationSettings.Jira jira;

    public JiraChannel(NotificationSettings.Jira jira) {
        this.jira = jira;
    }

    /** Body: the notification; afterwards a search request for issues with its label. */
    public void search(Exchange exchange) throws IOException {
        String notification = exchange.getMessage().getBody(String.class);
        exchange.setProperty(ExchangeNames.JIRA_NOTIFICATION, notification);
        String label = ChannelMessages.jiraLabel(JSON.readTree(notification).path("notification.id").asText());
        var m = exchange.getMessage();
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_URI, jira.url() + jira.searchPath());
        m.setHeader(Exchange.HTTP_QUERY, "jql=" + URLEncoder.encode("labels = \"" + label + "\"", StandardCharsets.UTF_8)
                + "&maxResults=1&fields=key");
        m.setHeader("Authorization", jira.authorization());
        m.setHeader("Accept", "application/json");
        m.setBody(null);
    }

    /** Whether the search found an issue; its key is kept for the log. */
    public boolean exists(Exchange exchange) throws IOException {
        JsonNode issues = JSON.readTree(exchange.getMessage().getBody(String.class)).path("issues");
        if (issues.isArray() && !issues.isEmpty()) {
            exchange.getMessage().setHeader("jiraIssue", issues.get(0).path("key").asText());
            return true;
        }
        return false;
    }

    /** Whether the notification announces that its group is resolved: a comment on the issue, not a new one. */
    public boolean resolution(@ExchangeProperty(ExchangeNames.JIRA_NOTIFICATION) String notification) throws IOException {
        return ChannelMessages.resolved(JSON.readTree(notification));
    }

    /** A resolved group whose issue the search found: it gets a comment. */
    public boolean resolvedWithIssue(Exchange exchange) throws IOException {
        return resolution(exchange.getProperty(ExchangeNames.JIRA_NOTIFICATION, String.class)) && exists(exchange);
    }

    /** The comment request on the issue {@link #exists} found. */
    public void comment(Exchange exchange) throws IOException {
        var m = exchange.getMessage();
        String issue = m.getHeader("jiraIssue", String.class);
        m.removeHeaders("*");
        m.setHeader("jiraIssue", issue);
        m.setHeader(Exchange.HTTP_URI, jira.url() + "/rest/api/2/issue/" + issue + "/comment");
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setHeader("Authorization", jira.authorization());
        m.setBody(ChannelMessages.jiraComment(exchange.getProperty(ExchangeNames.JIRA_NOTIFICATION, String.class)));
    }

    /** The create request for the notification's issue. */
    public void create(Exchange exchange) throws IOException {
        var m = exchange.getMessage();
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_URI, jira.url() + "/rest/api/2/issue");
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setHeader("Authorization", jira.authorization());
        m.setBody(ChannelMessages.jira(exchange.getProperty(ExchangeNames.JIRA_NOTIFICATION, String.class), jira.project(), jira.issueType(),
                jira.labels()));
    }
}
