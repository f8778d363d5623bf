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
        blocks.add(Map.of("type", "header", "text", Map.of("type", "plain_text", "text",
                ":rotating_light: New " + n.path("dt.security.risk.level").asText() + " vulnerability in production")));
        blocks.add(Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", "*" + n.path("summary").asText() + "*")));
        List<Object> fields = new ArrayList<>();
        fields.add(field("Vulnerability", n.path("vulnerability.id").asText()));
        fields.add(field("Component", n.path("component.name").asText() + " " + n.path("component.version").asText()));
        fields.add(field("Fix", n.has("vulnerability.remediation.fix_versions")
                ? n.path("vulnerability.remediation.fix_versions").get(0).asText() : "none known"));
        fields.add(field("Images", n.path("affected_images_count").asText()));
        fields.add(field("Clusters", list(n.path("k8s.cluster.name"))));
        fields.add(field("Namespaces", list(n.path("k8s.namespace.name"))));
        fields.add(field("Workloads", list(n.path("k8s.workload"))));
        fields.add(field("Repository", n.path("container_image.registry").asText() + "/" + n.path("container_image.repository").asText()));
        blocks.add(Map.of("type", "section", "fields", fields));
        List<String> images = new ArrayList<>();
        n.path("images").forEach(i -> images.add("`" + i.path("container_image.digest").asText() + "` "
                + list(i.path("container_image.tags"))));
        blocks.add(Map.of("type", "context", "elements", List.of(Map.of("type", "mrkdwn", "text", String.join("\n", images)))));
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("text", n.path("summary").asText());
        message.put("blocks", blocks);
        return JSON.writeValueAsString(message);
    }

    private static Map<String, Object> field(String name, String value) {
        return Map.of("type", "mrkdwn", "text", "*" + name + "*\n" + value);
    }

    private static String list(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values.isEmpty() ? "-" : String.join(", ", values);
    }
}
