package io.github.harbordt.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.harbordt.harbor.HarborNames;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A Harbor webhook call, read from either payload format (harbor-api.md §9.4 Default, §9.5 CloudEvents) into one
 * shape. Only what the scan path needs is kept: which scan event, which artifacts. The payload's own
 * {@code scan_overview} is deliberately not kept: scan-all webhooks omit it and older Harbors put
 * {@code scan_status: Running} in completed events, so the artifact's scan is always read back from the API.
 *
 * @param kind       the scan event, or {@link Kind#OTHER} for any other event type (acknowledged, ignored)
 * @param eventType  the type as Harbor sent it ({@code SCANNING_COMPLETED} or {@code harbor.scan.completed})
 * @param artifacts  one entry per distinct digest: multi-platform images can list the same digest more than once
 */
public record HarborWebhook(Kind kind, String eventType, String operator, Instant occurredAt, String projectName,
                            String repository, List<Artifact> artifacts) {

    public enum Kind { SCAN_COMPLETED, SCAN_FAILED, SCAN_STOPPED, OTHER }

    /** @param tag null when the artifact has none (Harbor 2.0/2.1 sent {@code ""}) */
    public record Artifact(String digest, String tag) {
    }

    /** Reads a webhook body; throws {@link IllegalArgumentException} naming what is missing when it is not one. */
    public static HarborWebhook parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("a Harbor webhook is a JSON object");
        }
        boolean cloudEvent = body.hasNonNull("specversion");
        String type = text(body, "type");
        if (type == null) {
            throw new IllegalArgumentException("no event type ('type')");
        }
        Kind kind = kind(type);
        JsonNode data = body.get(cloudEvent ? "data" : "event_data");
        Instant at = cloudEvent ? time(text(body, "time")) : seconds(body.get("occur_at"));
        if (kind == Kind.OTHER) {
            return new HarborWebhook(kind, type, text(body, "operator"), at, null, null, List.of());
        }
        if (data == null || !data.isObject()) {
            throw new IllegalArgumentException(type + " without " + (cloudEvent ? "'data'" : "'event_data'"));
        }
        JsonNode repo = data.path("repository");
        String project = text(repo, "namespace");
        String fullName = text(repo, "repo_full_name");
        if (fullName == null && project != null && text(repo, "name") != null) {
            fullName = project + "/" + text(repo, "name");
        }
        if (project == null && fullName != null && fullName.contains("/")) {
            project = fullName.substring(0, fullName.indexOf('/'));
        }
        if (project == null || fullName == null) {
            throw new IllegalArgumentException(type + " without a repository (namespace and repo_full_name)");
        }
        require(HarborNames.whyNotProject(project));
        require(HarborNames.whyNotRepository(fullName));
        if (!fullName.startsWith(project + "/")) {
            throw new IllegalArgumentException("repository '" + fullName + "' is not in project '" + project + "'");
        }
        Set<String> seen = new LinkedHashSet<>();
        List<Artifact> artifacts = new ArrayList<>();
        for (JsonNode r : data.path("resources")) {
            String digest = text(r, "digest");
            if (digest != null) {
                require(HarborNames.whyNotDigest(digest));
            }
            if (digest != null && seen.add(digest)) {
                String tag = text(r, "tag");
                artifacts.add(new Artifact(digest, tag == null || tag.isBlank() || tag.equals(digest) ? null : tag));
            }
        }
        if (artifacts.isEmpty()) {
            throw new IllegalArgumentException(type + " names no artifact digest in its resources");
        }
        return new HarborWebhook(kind, type, text(body, "operator"), at, project, fullName, List.copyOf(artifacts));
    }

    private static void require(String whyNot) {
        if (whyNot != null) {
            throw new IllegalArgumentException(whyNot);
        }
    }

    private static Kind kind(String type) {
        return switch (type.toUpperCase(Locale.ROOT)) {
            case "SCANNING_COMPLETED", "HARBOR.SCAN.COMPLETED" -> Kind.SCAN_COMPLETED;
            case "SCANNING_FAILED", "HARBOR.SCAN.FAILED" -> Kind.SCAN_FAILED;
            case "SCANNING_STOPPED", "HARBOR.SCAN.STOPPED" -> Kind.SCAN_STOPPED;
            default -> Kind.OTHER;
        };
    }

    private static Instant seconds(JsonNode v) {
        return v != null && v.canConvertToLong() ? Instant.ofEpochSecond(v.asLong()) : null;
    }

    private static Instant time(String text) {
        try {
            return text == null ? null : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }
}
