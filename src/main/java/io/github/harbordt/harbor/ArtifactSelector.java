package io.github.harbordt.harbor;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.harbordt.config.NameFilter;
import io.github.harbordt.mapping.HarborTime;
import io.github.harbordt.mapping.ScanSummary;
import io.github.harbordt.mapping.ScannedArtifact;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether an artifact from a Harbor artifact list carries a scan this cycle must deliver: an {@code IMAGE}
 * whose vulnerability scan finished with {@code Success} after the window start, in a wanted repository. A webhook
 * also reports scans that ended with {@code Error} or {@code Stopped}: they are news, though not coverage.
 */
public final class ArtifactSelector {

    /** Why an artifact is not delivered; counted per cycle. */
    public enum Skip { NOT_IMAGE, REPOSITORY_FILTERED, NOT_SCANNED, SCAN_NOT_FINISHED, SCAN_NOT_SUCCESSFUL, BEFORE_WINDOW, MALFORMED }

    private static final Set<String> UNFINISHED = Set.of("Pending", "Scheduled", "Running");
    private static final Set<String> FAILED = Set.of("Error", "Stopped");

    public sealed interface Decision permits Selected, Skipped {
    }

    public record Selected(ScannedArtifact artifact) implements Decision {
    }

    public record Skipped(Skip why, String detail) implements Decision {
    }

    private final String registry;
    private final NameFilter repositories;

    public ArtifactSelector(String registry, NameFilter repositories) {
        this.registry = registry;
        this.repositories = repositories;
    }

    /**
     * @param projectId          null to take the artifact's own {@code project_id}
     * @param listedRepository   the full name of the repository whose artifacts were asked for, or null for a
     *                           project-wide listing: before Harbor 2.12 artifacts do not carry {@code repository_name}
     * @param failedScansToo     also select scans that ended with {@code Error} or {@code Stopped}
     */
    public Decision decide(JsonNode artifact, String projectId, String projectName, String listedRepository,
                           Instant windowStart, boolean failedScansToo) {
        String type = Json.text(artifact, "type");
        if (type != null && !"IMAGE".equals(type)) {
            return new Skipped(Skip.NOT_IMAGE, type);
        }
        String digest = Json.text(artifact, "digest");
        String repository = repository(artifact, listedRepository);
        if (digest == null || repository == null) {
            return new Skipped(Skip.MALFORMED, "artifact id " + Json.text(artifact, "id") + " of project " + projectName
                    + (digest == null ? " has no digest" : " has no repository_name and was not listed by repository"));
        }
        if (!repositories.accepts(repository)) {
            return new Skipped(Skip.REPOSITORY_FILTERED, repository);
        }
        Optional<JsonNode> overview = overview(artifact.get("scan_overview"));
        if (overview.isEmpty()) {
            return new Skipped(Skip.NOT_SCANNED, repository + "@" + digest);
        }
        JsonNode o = overview.get();
        String status = Json.text(o, "scan_status");
        if (UNFINISHED.contains(status)) {
            return new Skipped(Skip.SCAN_NOT_FINISHED, status);
        }
        if (!ScanSummary.SUCCESS.equals(status) && !(failedScansToo && FAILED.contains(status))) {
            return new Skipped(Skip.SCAN_NOT_SUCCESSFUL, String.valueOf(status));
        }
        String endTime = Json.text(o, "end_time");
        Optional<Instant> end = HarborTime.parse(endTime);
        String reportId = Json.text(o, "report_id");
        if (end.isEmpty() || reportId == null) {
            return new Skipped(Skip.MALFORMED, repository + "@" + digest + ": finished scan without end_time or report_id");
        }
        if (!end.get().isAfter(windowStart)) {
            return new Skipped(Skip.BEFORE_WINDOW, endTime);
        }
        String startTime = Json.text(o, "start_time");
        JsonNode scanner = o.get("scanner");
        JsonNode summary = o.get("summary");
        Integer total = summary != null && summary.get("total") != null && summary.get("total").isNumber()
                ? summary.get("total").asInt() : null;
        ScanSummary scan = new ScanSummary(reportId, status, HarborTime.parse(startTime).isPresent() ? startTime : null,
                endTime, Json.text(scanner, "name"), Json.text(scanner, "vendor"), total);
        if (projectId == null) {
            projectId = Json.text(artifact, "project_id");
        }
        return new Selected(new ScannedArtifact(registry, projectId, projectName, repository, digest,
                tagNames(artifact.get("tags")), scan));
    }

    /** The artifact's full repository name: its own field since Harbor 2.12, before that the repository listed. */
    public static String repository(JsonNode artifact, String listedRepository) {
        String own = Json.text(artifact, "repository_name");
        return own != null ? own : listedRepository;
    }

    /** The summary of the preferred report format present (Harbor sends one key; webhooks may send both). */
    public static Optional<JsonNode> overview(JsonNode scanOverview) {
        if (scanOverview == null || !scanOverview.isObject() || scanOverview.isEmpty()) {
            return Optional.empty();
        }
        for (String mime : ReportMimeTypes.PREFERENCE) {
            JsonNode o = scanOverview.get(mime);
            if (o != null && o.isObject()) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    private static List<String> tagNames(JsonNode tags) {
        if (tags == null || !tags.isArray()) {
            return List.of();
        }
        List<String> names = new ArrayList<>(tags.size());
        for (JsonNode tag : tags) {
            String name = Json.text(tag, "name");
            if (name != null) {
                names.add(name);
            }
        }
        return names;
    }
}
