package io.github.harbordt.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The notification (its channel-neutral JSON) as each built-in chat channel wants it. Pure. */
public final class ChannelMessages {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChannelMessages() {
    }

    /** A Slack incoming-webhook message: the summary as text (notifications, fallbacks), details as blocks. */
    public static String slack(String notification) throws IOException {
        JsonNode n = JSON.readTree(notification);
        List<Object> blocks = new ArrayList<>();
        blocks.add(obj("type", "header", "text", obj("type", "plain_text", "text",
                (resolved(n) ? ":white_check_mark: " : ":rotating_light: ") + headline(n))));
        blocks.add(obj("type", "section", "text", obj("type", "mrkdwn", "text", "*" + n.path("summary").asText() + "*")));
        List<Object> fields = new ArrayList<>();
        // Slack allows ten fields per section
        for (String[] f : facts(n)) {
            fields.add(field(f[0], f[1]));
        }
        blocks.add(obj("type", "section", "fields", fields));
        List<String> images = new ArrayList<>();
        n.path("images").forEach(i -> images.add("`" + i.path("container_image.digest").asText() + "` "
                + list(i.path("container_image.tags"))));
        blocks.add(obj("type", "context", "elements", List.of(obj("type", "mrkdwn", "text", String.join("\n", images)))));
        if (n.has("dynatrace.link")) {
            blocks.add(obj("type", "section", "text", obj("type", "mrkdwn", "text",
                    "<" + n.path("dynatrace.link").asText() + "|Open the findings in Dynatrace>")));
        }
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("text", n.path("summary").asText());
        message.put("blocks", blocks);
        return JSON.writeValueAsString(message);
    }

    /** A Microsoft Teams workflow webhook ("When a Teams webhook request is received"): an Adaptive Card. */
    public static String teams(String notification) throws IOException {
        JsonNode n = JSON.readTree(notification);
        List<Object> facts = new ArrayList<>();
        for (String[] f : facts(n)) {
            facts.add(obj("title", f[0], "value", f[1]));
        }
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", "1.4");
        card.put("body", List.of(
                obj("type", "TextBlock", "size", "Large", "weight", "Bolder", "wrap", true,
                        "text", headline(n)),
                obj("type", "TextBlock", "wrap", true, "text", n.path("summary").asText()),
                obj("type", "FactSet", "facts", facts)));
        if (n.has("dynatrace.link")) {
            card.put("actions", List.of(obj("type", "Action.OpenUrl", "title", "Open the findings in Dynatrace",
                    "url", n.path("dynatrace.link").asText())));
        }
        Map<String, Object> attachment = new LinkedHashMap<>();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.put("content", card);
        return JSON.writeValueAsString(obj("type", "message", "attachments", List.of(attachment)));
    }

    /**
     * A Jira issue ({@code POST /rest/api/2/issue}); the label {@link #jiraLabel} lets the connector find it again,
     * so a notification retried after a lost answer does not open a second issue.
     */
    public static String jira(String notification, String projectKey, String issueType, List<String> labels) throws IOException {
        JsonNode n = JSON.readTree(notification);
        StringBuilder description = new StringBuilder(n.path("summary").asText()).append("\n\n");
        for (String[] f : facts(n)) {
            description.append("*").append(f[0]).append(":* ").append(f[1]).append('\n');
        }
        description.append("\n||Digest||Tags||Runtime||\n");
        n.path("images").forEach(i -> description.append('|').append(i.path("container_image.digest").asText()).append('|')
                .append(list(i.path("container_image.tags"))).append('|').append(i.path("runtime.status").asText()).append("|\n"));
        if (n.has("dynatrace.link")) {
            description.append("\n[Open the findings in Dynatrace|").append(n.path("dynatrace.link").asText()).append("]\n");
        }
        List<String> allLabels = new ArrayList<>(labels);
        allLabels.add(jiraLabel(n.path("notification.id").asText()));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("project", obj("key", projectKey));
        fields.put("summary", cut(n.path("summary").asText(), 250));
        fields.put("description", description.toString());
        fields.put("issuetype", obj("name", issueType));
        fields.put("labels", allLabels);
        return JSON.writeValueAsString(obj("fields", fields));
    }

    /** Whether the notification announces a resolved group rather than a new one. */
    public static boolean resolved(JsonNode notification) {
        return NotificationMessage.RESOLVED.equals(notification.path("notification.type").asText());
    }

    private static String headline(JsonNode n) {
        return (resolved(n) ? "Resolved: " : "New ") + n.path("dt.security.risk.level").asText() + " vulnerability in production";
    }

    /** A comment on the group's Jira issue ({@code POST /rest/api/2/issue/{key}/comment}) saying it is resolved. */
    public static String jiraComment(String notification) throws IOException {
        JsonNode n = JSON.readTree(notification);
        return JSON.writeValueAsString(obj("body", n.path("summary").asText() + " (resolved at "
                + n.path("resolved_at").asText() + ")."));
    }

    /** The label that marks the connector's issue for one group (Jira labels cannot contain spaces). */
    public static String jiraLabel(String notificationId) {
        return "harbor-dt-" + notificationId.substring(0, 16);
    }

    /**
     * A Dynatrace event ({@code POST /api/v2/events/ingest}): the summary as title, the notification's fields as
     * string properties (lists joined).
     */
    public static String dynatraceEvent(String notification, String eventType) throws IOException {
        JsonNode n = JSON.readTree(notification);
        Map<String, Object> properties = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("images") && !e.getKey().equals("summary")) {
                properties.put(e.getKey(), e.getValue().isArray() ? list(e.getValue()) : e.getValue().asText());
            }
        });
        List<String> digests = new ArrayList<>();
        n.path("images").forEach(i -> digests.add(i.path("container_image.digest").asText()));
        properties.put("container_image.digest", String.join(", ", digests));
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("eventType", eventType);
        event.put("title", cut(n.path("summary").asText(), 250));
        event.put("properties", properties);
        return JSON.writeValueAsString(event);
    }

    /** The facts every rendering shows, in this order. */
    private static List<String[]> facts(JsonNode n) {
        return List.of(
                new String[]{"Vulnerability", n.path("vulnerability.id").asText()},
                new String[]{"Component", n.path("component.name").asText() + " " + n.path("component.version").asText()},
                new String[]{"Fix", n.has("vulnerability.remediation.fix_versions")
                        ? n.path("vulnerability.remediation.fix_versions").get(0).asText() : "none known"},
                new String[]{"Repository", n.path("container_image.registry").asText() + "/" + n.path("container_image.repository").asText()},
                new String[]{"Images", n.path("affected_images_count").asText()},
                new String[]{"Clusters", list(n.path("k8s.cluster.name"))},
                new String[]{"Namespaces", list(n.path("k8s.namespace.name"))},
                new String[]{"Workloads", list(n.path("k8s.workload"))},
                new String[]{"First seen", n.path("first_seen").asText()});
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    /** A JSON object with its keys in the order given: chat services render it as written, and tests read it so. */
    private static Map<String, Object> obj(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static Map<String, Object> field(String name, String value) {
        return obj("type", "mrkdwn", "text", "*" + name + "*\n" + value);
    }

    private static String list(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values.isEmpty() ? "-" : String.join(", ", values);
    }
}
