package io.github.harbordt.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.harbordt.state.SightedGroup;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every built-in channel's payload for one notification, exactly, without a server. */
class ChannelMessagesTest {

    private final ObjectMapper json = new ObjectMapper();
    private final Instant t = Instant.parse("2026-11-20T08:00:00Z");
    private final String notification;

    ChannelMessagesTest() throws Exception {
        SightedGroup.Image image = new SightedGroup.Image("sha256:1", List.of("1.0"), "RUNNING", List.of("eu"),
                List.of("prod-shop"), List.of("Deployment/api"), List.of("production"), t);
        SightedGroup group = new SightedGroup("0123456789abcdef" + "0".repeat(48), "CVE-2024-3094", "xz backdoor", "harbor.example.com",
                "shop/api", "xz-utils", "5.6.0", "CRITICAL", "5.6.1", t, t, List.of(image));
        notification = json.writeValueAsString(NotificationMessage.of(group, List.of(image), t, ""));
    }

    private static final String SUMMARY = "CRITICAL vulnerability CVE-2024-3094 was detected in shop/api (xz-utils 5.6.0)";
    private static final String FACTS = "[[\"Vulnerability\",\"CVE-2024-3094\"],[\"Component\",\"xz-utils 5.6.0\"],[\"Fix\",\"5.6.1\"],"
            + "[\"Repository\",\"harbor.example.com/shop/api\"],[\"Images\",\"1\"],[\"Clusters\",\"eu\"],[\"Namespaces\",\"prod-shop\"],"
            + "[\"Workloads\",\"Deployment/api\"],[\"First seen\",\"2026-11-20T08:00:00Z\"]]";

    @Test
    void slack() throws Exception {
        StringBuilder fields = new StringBuilder();
        for (var f : json.readTree(FACTS)) {
            fields.append(fields.length() == 0 ? "" : ",").append("{\"type\":\"mrkdwn\",\"text\":\"*").append(f.get(0).asText())
                    .append("*\\n").append(f.get(1).asText()).append("\"}");
        }
        assertThat(json.readTree(ChannelMessages.slack(notification))).isEqualTo(json.readTree("{\"text\":\"" + SUMMARY + "\",\"blocks\":["
                + "{\"type\":\"header\",\"text\":{\"type\":\"plain_text\",\"text\":\":rotating_light: New CRITICAL vulnerability in production\"}},"
                + "{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"*" + SUMMARY + "*\"}},"
                + "{\"type\":\"section\",\"fields\":[" + fields + "]},"
                + "{\"type\":\"context\",\"elements\":[{\"type\":\"mrkdwn\",\"text\":\"`sha256:1` 1.0\"}]}]}"));
    }

    @Test
    void teams() throws Exception {
        StringBuilder facts = new StringBuilder();
        for (var f : json.readTree(FACTS)) {
            facts.append(facts.length() == 0 ? "" : ",").append("{\"title\":\"").append(f.get(0).asText())
                    .append("\",\"value\":\"").append(f.get(1).asText()).append("\"}");
        }
        assertThat(json.readTree(ChannelMessages.teams(notification))).isEqualTo(json.readTree("{\"type\":\"message\",\"attachments\":[{"
                + "\"contentType\":\"application/vnd.microsoft.card.adaptive\",\"content\":{"
                + "\"$schema\":\"http://adaptivecards.io/schemas/adaptive-card.json\",\"type\":\"AdaptiveCard\",\"version\":\"1.4\",\"body\":["
                + "{\"type\":\"TextBlock\",\"size\":\"Large\",\"weight\":\"Bolder\",\"wrap\":true,\"text\":\"New CRITICAL vulnerability in production\"},"
                + "{\"type\":\"TextBlock\",\"wrap\":true,\"text\":\"" + SUMMARY + "\"},"
                + "{\"type\":\"FactSet\",\"facts\":[" + facts + "]}]}}]}"));
    }

    @Test
    void jira() throws Exception {
        StringBuilder description = new StringBuilder(SUMMARY).append("\n\n");
        for (var f : json.readTree(FACTS)) {
            description.append("*").append(f.get(0).asText()).append(":* ").append(f.get(1).asText()).append('\n');
        }
        description.append("\n||Digest||Tags||Runtime||\n|sha256:1|1.0|RUNNING|\n");
        assertThat(json.readTree(ChannelMessages.jira(notification, "SEC", "Bug", List.of("security"))))
                .isEqualTo(json.valueToTree(Map.of("fields", Map.of(
                        "project", Map.of("key", "SEC"), "summary", SUMMARY, "description", description.toString(),
                        "issuetype", Map.of("name", "Bug"), "labels", List.of("security", "harbor-dt-0123456789abcdef")))));
    }

    @Test
    void dynatraceEvent() throws Exception {
        var event = json.readTree(ChannelMessages.dynatraceEvent(notification, "CUSTOM_INFO"));
        assertThat(event.get("eventType").asText()).isEqualTo("CUSTOM_INFO");
        assertThat(event.get("title").asText()).isEqualTo(SUMMARY);
        assertThat(json.convertValue(event.get("properties"), Map.class)).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("notification.type", "NEW_CRITICAL_VULNERABILITY"),
                Map.entry("notification.id", "0123456789abcdef" + "0".repeat(48)),
                Map.entry("vulnerability.id", "CVE-2024-3094"), Map.entry("vulnerability.title", "xz backdoor"),
                Map.entry("dt.security.risk.level", "CRITICAL"), Map.entry("container_image.registry", "harbor.example.com"),
                Map.entry("container_image.repository", "shop/api"), Map.entry("component.name", "xz-utils"),
                Map.entry("component.version", "5.6.0"), Map.entry("vulnerability.remediation.fix_versions", "5.6.1"),
                Map.entry("first_seen", "2026-11-20T08:00:00Z"), Map.entry("decided_at", "2026-11-20T08:00:00Z"),
                Map.entry("affected_images_count", "1"), Map.entry("k8s.cluster.name", "eu"),
                Map.entry("k8s.namespace.name", "prod-shop"), Map.entry("k8s.workload", "Deployment/api"),
                Map.entry("deployment.release_stage", "production"), Map.entry("container_image.digest", "sha256:1")));
    }
}
