package io.github.harbordt.notify;

import io.github.harbordt.state.SightedGroup;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The content of one notification, channel-neutral: what every channel renders, and what a drop-in channel receives
 * as JSON (README, "Notifications"). Field names follow the events the connector sends.
 */
public final class NotificationMessage {

    /** {@code notification.type} of a group new in production. */
    public static final String NEW = "NEW_CRITICAL_VULNERABILITY";
    /** {@code notification.type} of a group no image that counts has in its newest scan any more. */
    public static final String RESOLVED = "RESOLVED_CRITICAL_VULNERABILITY";

    private NotificationMessage() {
    }

    /** The announcement that a group announced as new is gone: no image left, so none is listed. */
    public static Map<String, Object> resolved(SightedGroup g, Instant resolvedAt, Instant decidedAt, String dynatraceUi) {
        Map<String, Object> m = group(RESOLVED, g, g.riskLevel() + " vulnerability " + g.vulnerabilityId() + " in "
                + g.repository() + " (" + g.component() + " " + g.version() + ") is resolved: the newest scan of every "
                + "image it was seen in no longer reports it", decidedAt, dynatraceUi);
        m.put("resolved_at", resolvedAt.toString());
        m.put("affected_images_count", 0);
        m.put("images", List.of());
        return m;
    }

    /**
     * @param dynatraceUi the Dynatrace platform UI (e.g. {@code https://abc12345.apps.dynatrace.com}); empty: no link
     */
    public static Map<String, Object> of(SightedGroup g, List<SightedGroup.Image> affected, Instant decidedAt,
                                         String dynatraceUi) {
        Map<String, Object> m = group(NEW, g, g.riskLevel() + " vulnerability " + g.vulnerabilityId() + " was detected in "
                + g.repository() + " (" + g.component() + " " + g.version() + ")", decidedAt, dynatraceUi);
        m.put("affected_images_count", affected.size());
        m.put("k8s.cluster.name", union(affected, SightedGroup.Image::clusters));
        m.put("k8s.namespace.name", union(affected, SightedGroup.Image::namespaces));
        m.put("k8s.workload", union(affected, SightedGroup.Image::workloads));
        m.put("deployment.release_stage", union(affected, SightedGroup.Image::stages));
        m.put("images", affected.stream().map(i -> {
            Map<String, Object> image = new LinkedHashMap<>();
            image.put("container_image.digest", i.digest());
            image.put("container_image.tags", i.tags());
            image.put("runtime.status", i.runtimeStatus());
            image.put("k8s.cluster.name", i.clusters());
            image.put("k8s.namespace.name", i.namespaces());
            image.put("k8s.workload", i.workloads());
            image.put("deployment.release_stage", i.stages());
            return image;
        }).toList());
        return m;
    }

    /** What both kinds say about the group. */
    private static Map<String, Object> group(String type, SightedGroup g, String summary, Instant decidedAt,
                                             String dynatraceUi) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("notification.type", type);
        m.put("notification.id", g.groupKey());
        m.put("summary", summary);
        m.put("vulnerability.id", g.vulnerabilityId());
        if (g.title() != null) {
            m.put("vulnerability.title", g.title());
        }
        m.put("dt.security.risk.level", g.riskLevel());
        m.put("container_image.registry", g.registry());
        m.put("container_image.repository", g.repository());
        m.put("component.name", g.component());
        m.put("component.version", g.version());
        if (g.fixVersion() != null) {
            m.put("vulnerability.remediation.fix_versions", List.of(g.fixVersion()));
        }
        m.put("first_seen", g.firstSeen().toString());
        m.put("decided_at", decidedAt.toString());
        if (!dynatraceUi.isEmpty()) {
            m.put("dynatrace.link", findingsLink(dynatraceUi, g));
        }
        return m;
    }

    /**
     * The group's findings in a Notebook: a link that hands the query to the Notebooks app (an intent with
     * {@code dt.query}), so it opens with the findings of this vulnerability in this repository and component.
     */
    static String findingsLink(String dynatraceUi, SightedGroup g) {
        String query = "fetch security.events, from: now() - 7d\n"
                + "| filter event.provider == \"Harbor\" and event.type == \"VULNERABILITY_FINDING\"\n"
                + "| filter vulnerability.id == " + quote(g.vulnerabilityId()) + " and container_image.repository == "
                + quote(g.repository()) + "\n| filter component.name == " + quote(g.component())
                + " and component.version == " + quote(g.version());
        String payload = "{\"dt.query\":" + quote(query) + "}";
        return dynatraceUi + "/ui/intent/dynatrace.notebooks/view-query#"
                + URLEncoder.encode(payload, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A JSON (and DQL) string literal. */
    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private static List<String> union(List<SightedGroup.Image> images, Function<SightedGroup.Image, List<String>> field) {
        TreeSet<String> all = new TreeSet<>();
        images.forEach(i -> all.addAll(field.apply(i)));
        return List.copyOf(all);
    }
}
