package io.github.harbordt.mapping;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Maps Harbor scans and vulnerabilities to Dynatrace security events as specified in the event contract
 * ({@code VULNERABILITY_SCAN} and {@code VULNERABILITY_FINDING}). Pure: no I/O, no clock; {@code timestamp}
 * is deliberately never set because Dynatrace drops records whose timestamp is older than 24 hours.
 * Fields without a value are left out rather than sent as null.
 */
public final class SecurityEventMapper {

    public static final String PROVIDER = "Harbor";
    private static final Pattern CVE = Pattern.compile("CVE-\\d+-\\d+");
    private static final Pattern CVSS_VERSION = Pattern.compile("^CVSS:(\\d+(?:\\.\\d+)?)/.*");

    private final Map<String, String> extraAttributes;

    /** @param extraAttributes constant attributes added to every event (e.g. {@code dt.security_context}) */
    public SecurityEventMapper(Map<String, String> extraAttributes) {
        this.extraAttributes = Map.copyOf(extraAttributes);
    }

    /** @param runtime where the image runs; null when no cluster is configured (no runtime fields then) */
    public Map<String, Object> scanEvent(ScannedArtifact artifact, RuntimeContext runtime) {
        EventFields.MapFields e = EventFields.map();
        scan(artifact, runtime, e);
        return e.fields();
    }

    public Map<String, Object> findingEvent(ScannedArtifact artifact, Vulnerability v, RuntimeContext runtime) {
        EventFields.MapFields e = EventFields.map();
        findingShared(artifact, runtime, e);
        finding(artifact, v, e);
        return e.fields();
    }

    /** The {@code VULNERABILITY_SCAN} event of an artifact's scan. */
    public void scan(ScannedArtifact artifact, RuntimeContext runtime, EventFields e) {
        ScanSummary scan = artifact.scan();
        e.text("event.id", EventIds.nameBased("scan", artifact.objectId(), scan.reportId()));
        common(e, "VULNERABILITY_SCAN", "Vulnerability scan event");
        e.text("event.description", "Harbor scan of container image " + artifact.repository()
                + " (" + artifact.digest() + ") " + outcome(scan.status()));
        artifactFields(e, artifact);
        e.text("scan.id", scan.reportId());
        e.text("scan.name", scan.reportId());
        e.text("scan.status", scan.status());
        textIfPresent(e, "scan.time.started", scan.startTime());
        e.text("scan.time.completed", scan.endTime());
        if (scan.findingsTotal() != null) {
            e.integer("scan.findings.total", scan.findingsTotal());
        }
        runtimeFields(e, runtime);
        extraAttributes.forEach(e::text);
    }

    /**
     * The fields every {@code VULNERABILITY_FINDING} event of one scan shares: the event kind, the image, the scan,
     * where it runs. Written once per scan on the delivery path, and before {@link #finding} for each finding.
     */
    public void findingShared(ScannedArtifact artifact, RuntimeContext runtime, EventFields e) {
        ScanSummary scan = artifact.scan();
        common(e, "VULNERABILITY_FINDING", "Vulnerability finding event");
        artifactFields(e, artifact);
        e.text("finding.time.created", scan.endTime());
        e.text("scan.id", scan.reportId());
        e.text("scan.name", scan.reportId());
        e.text("scan.time.completed", scan.endTime());
        runtimeFields(e, runtime);
        extraAttributes.forEach(e::text);
    }

    /** The fields of one finding's event that are its own; {@link #findingShared} writes the rest. */
    public void finding(ScannedArtifact artifact, Vulnerability v, EventFields e) {
        RiskLevel risk = RiskLevel.ofSeverity(v.severity());
        String findingId = EventIds.findingId(artifact.digest(), v.id(), v.packageName(), v.version());
        e.text("event.id", EventIds.nameBased("finding", findingId, artifact.scan().reportId()));
        e.text("event.description", "Vulnerability " + v.id() + " was found in container image "
                + artifact.repository() + " in " + v.packageName() + " (" + v.version() + ")");
        e.text("finding.id", findingId);
        e.text("finding.type", "DEPENDENCY_VULNERABILITY");
        e.text("finding.title", v.id() + " on " + artifact.repository());
        e.text("finding.severity", v.severity() == null ? "" : v.severity());
        if (v.cvssScore() != null) {
            e.number("finding.score", v.cvssScore());
        }
        e.text("dt.security.risk.level", risk.name());
        e.number("dt.security.risk.score", risk.score());
        e.text("vulnerability.id", v.id());
        e.text("vulnerability.title", v.id());
        if (v.description() != null) {
            e.text("vulnerability.description", v.description());
        }
        if (CVE.matcher(v.id()).matches()) {
            e.texts("vulnerability.references.cve", List.of(v.id()));
        }
        if (!v.cweIds().isEmpty()) {
            e.texts("vulnerability.references.cwe", v.cweIds());
        }
        if (v.cvssScore() != null) {
            e.number("vulnerability.cvss.base_score", v.cvssScore());
        }
        if (v.cvssVector() != null) {
            var version = CVSS_VERSION.matcher(v.cvssVector());
            if (version.matches()) {
                e.text("vulnerability.cvss.version", version.group(1));
            }
            e.text("vulnerability.cvss.vector", v.cvssVector());
        }
        if (v.fixVersion() != null) {
            e.text("vulnerability.remediation.status", "AVAILABLE");
            e.text("vulnerability.remediation.description",
                    "Upgrade to " + v.packageName() + " " + v.fixVersion() + " or later.");
            e.texts("vulnerability.remediation.fix_versions", List.of(v.fixVersion()));
        } else {
            e.text("vulnerability.remediation.status", "NOT_AVAILABLE");
        }
        e.text("component.name", v.packageName());
        e.text("component.version", v.version());
    }

    /**
     * Where the image runs (README, "Runtime context"): Dynatrace's Kubernetes attribute names, as lists because
     * one image runs in many places, and {@code runtime.status}, which also says when it is not known.
     */
    private static void runtimeFields(EventFields e, RuntimeContext runtime) {
        if (runtime == null) {
            return;
        }
        e.text("runtime.status", runtime.status().name());
        e.integer("runtime.containers.running", runtime.runningContainers());
        if (runtime.running()) {
            e.texts("k8s.cluster.name", runtime.clusters());
            e.texts("k8s.namespace.name", runtime.namespaces());
            e.texts("k8s.workload.kind", runtime.workloadKinds());
            e.texts("k8s.workload.name", runtime.workloadNames());
            if (!runtime.stages().isEmpty()) {
                e.texts("deployment.release_stage", runtime.stages());
            }
        }
    }

    /** Harbor's final scan statuses in words; a failed scan's event says so, and {@code scan.status} carries it too. */
    private static String outcome(String status) {
        return switch (status) {
            case ScanSummary.SUCCESS -> "completed";
            case "Error" -> "failed";
            case "Stopped" -> "was stopped";
            default -> "ended with status " + status;
        };
    }

    private static void common(EventFields e, String type, String name) {
        e.text("event.kind", "SECURITY_EVENT");
        e.text("event.type", type);
        e.text("event.provider", PROVIDER);
        e.text("event.name", name);
        e.text("event.category", "VULNERABILITY_MANAGEMENT");
    }

    private static void artifactFields(EventFields e, ScannedArtifact a) {
        textIfPresent(e, "product.vendor", a.scan().scannerVendor());
        textIfPresent(e, "product.name", a.scan().scannerName());
        e.text("object.id", a.objectId());
        e.text("object.name", a.repository());
        e.text("object.type", "CONTAINER_IMAGE");
        e.text("container_image.digest", a.digest());
        e.text("container_image.repository", a.repository());
        e.text("container_image.registry", a.registry());
        if (!a.tags().isEmpty()) {
            e.texts("container_image.tags", a.tags());
        }
        e.text("harbor.project.name", a.projectName());
        textIfPresent(e, "harbor.project.id", a.projectId());
    }

    private static void textIfPresent(EventFields e, String key, String value) {
        if (value != null) {
            e.text(key, value);
        }
    }
}
