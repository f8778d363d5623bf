package io.github.harbordt.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.harbor.HarborVersion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Harbor's webhook calls as jobservice sends them (harbor-api.md §9.3-9.6), built from simulated artifacts, and a
 * client that posts them with Harbor's 3-second timeout.
 */
public final class HarborWebhooks {

    public enum Format { DEFAULT, CLOUD_EVENTS }

    /** How a payload deviates from the plain one, each a quirk Harbor is known for. */
    public enum Quirk {
        /** scan-all and scheduled scans: {@code scan: {}} and no {@code scan_overview} (≥ 2.11) */
        SCAN_ALL,
        /** {@code scan_status: Running} inside SCANNING_COMPLETED (2.1.x) */
        RUNNING_IN_COMPLETED,
        /** the same digest listed twice (multi-platform images) */
        DUPLICATE_RESOURCE,
        /** {@code "tag": ""} as 2.0/2.1 sent for untagged artifacts */
        EMPTY_TAG,
        /** no {@code event_data.scan} at all, as before 2.11 */
        NO_SCAN_TYPE
    }

    /** The format a Harbor release sends with the policy this connector documents: CloudEvents from 2.8. */
    public static Format formatOf(HarborVersion version) {
        return version.hasCloudEvents() ? Format.CLOUD_EVENTS : Format.DEFAULT;
    }

    /** A scan-all or scheduled scan's SCANNING_COMPLETED as the release sends it (no result inside from 2.11). */
    public static String scanAllEvent(HarborVersion version, SimulatedRegistry.Artifact a) {
        return scanEvent("SCANNING_COMPLETED", a, formatOf(version),
                version.atLeast(2, 11) ? Quirk.SCAN_ALL : Quirk.NO_SCAN_TYPE);
    }

    private static final DateTimeFormatter NANOS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final String baseUrl;

    /** @param baseUrl e.g. http://127.0.0.1:8090/harbor/webhook/default */
    public HarborWebhooks(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** A scan event for the artifact: SCANNING_COMPLETED, SCANNING_FAILED or SCANNING_STOPPED. */
    public static String scanEvent(String type, SimulatedRegistry.Artifact a, Format format, Quirk... quirks) {
        List<Quirk> q = List.of(quirks);
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("digest", a.digest());
        String tag = a.tags().isEmpty() ? null : a.tags().get(0);
        if (tag != null) {
            resource.put("tag", tag);
        } else if (q.contains(Quirk.EMPTY_TAG)) {
            resource.put("tag", "");
        }
        resource.put("resource_url", "harbor.example.com/" + a.repository() + (tag == null ? "@" + a.digest() : ":" + tag));
        if (!q.contains(Quirk.SCAN_ALL) && a.scan() != null) {
            SimulatedRegistry.Scan s = a.scan();
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("report_id", s.reportId());
            summary.put("scan_status", q.contains(Quirk.RUNNING_IN_COMPLETED) ? "Running" : s.status());
            summary.put("severity", "");
            summary.put("duration", 0);
            summary.put("summary", null);
            summary.put("start_time", NANOS.format(s.start()));
            summary.put("end_time", s.end() == null || q.contains(Quirk.RUNNING_IN_COMPLETED)
                    ? "0001-01-01T00:00:00Z" : NANOS.format(s.end()));
            summary.put("complete_percent", 0);
            resource.put("scan_overview", Map.of(s.mime(), summary));
        }
        List<Object> resources = new ArrayList<>();
        resources.add(resource);
        if (q.contains(Quirk.DUPLICATE_RESOURCE)) {
            resources.add(resource);
        }
        String project = a.project().name();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("resources", resources);
        data.put("repository", Map.of("name", a.repository().substring(project.length() + 1), "namespace", project,
                "repo_full_name", a.repository(), "repo_type", "private"));
        if (!q.contains(Quirk.NO_SCAN_TYPE)) {
            data.put("scan", q.contains(Quirk.SCAN_ALL) ? Map.of() : Map.of("scan_type", "vulnerability"));
        }
        return payload(type, "auto", data, format);
    }

    /** A non-scan event, e.g. PUSH_ARTIFACT, that the connector acknowledges and ignores. */
    public static String otherEvent(String type, SimulatedRegistry.Artifact a, Format format) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("resources", List.of(Map.of("digest", a.digest(), "tag", a.digest(), "resource_url", "harbor.example.com/x")));
        data.put("repository", Map.of("date_created", 1690000000, "name", "x", "namespace", a.project().name(),
                "repo_full_name", a.repository(), "repo_type", "private"));
        return payload(type, "admin", data, format);
    }

    private static String payload(String type, String operator, Map<String, Object> data, Format format) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (format == Format.DEFAULT) {
            body.put("type", type);
            body.put("occur_at", Instant.now().getEpochSecond());
            body.put("operator", operator);
            body.put("event_data", data);
        } else {
            body.put("specversion", "1.0");
            body.put("id", UUID.randomUUID().toString());
            body.put("source", "/projects/1/webhook/policies/1");
            body.put("type", "harbor." + switch (type) {
                case "SCANNING_COMPLETED" -> "scan.completed";
                case "SCANNING_FAILED" -> "scan.failed";
                case "SCANNING_STOPPED" -> "scan.stopped";
                case "PUSH_ARTIFACT" -> "artifact.pushed";
                default -> type.toLowerCase();
            });
            body.put("datacontenttype", "application/json");
            body.put("time", Instant.now().toString());
            body.put("data", data);
            body.put("requestid", "");
            body.put("operator", operator);
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Posts as Harbor does: the policy's auth header verbatim, the format's content type, a 3 s timeout. */
    public HttpResponse<String> post(String body, String authorization, Format format) {
        return post(baseUrl, body, authorization, format == Format.DEFAULT ? "application/json" : "application/cloudevents+json");
    }

    public HttpResponse<String> post(String url, String body, String authorization, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String baseUrl() {
        return baseUrl;
    }
}
