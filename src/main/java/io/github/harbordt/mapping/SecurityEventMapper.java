package io.github.harbordt.mapping;

import java.util.LinkedHashMap;
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
        ScanSummary scan = artifact.scan();
        Map<String, Object> e = new LinkedHashMap<>(32);
        e.put("event.id", EventIds.nameBased("scan", artifact.objectId(), scan.reportId()));
        common(e, "VULNERABILITY_SCAN", "Vulnerability scan event");
        e.put("event.description", "Harbor scan of container image " + artifact.repository()
                + " (" + artifact.digest() + ") " + outcome(scan.status()));
        artifactFields(e, artifact);
        e.put("scan.id", scan.reportId());
        e.put("scan.name", scan.reportId());
        e.put("scan.status", scan.status());
        putIfPresent(e, "scan.time.started", scan.startTime());
        e.put("scan.time.completed", scan.endTime());
        putIfPresent(e, "scan.findings.total", scan.findingsTotal());
        runtimeFields(e, runtime);
        e.putAll(extraAttributes);
        return e;
    }

    public Map<String, Object> findingEvent(ScannedArtifact artifact, Vulnerability v, RuntimeContext runtime) {
        ScanSummary scan = artifact.scan();
        RiskLevel risk = RiskLevel.ofSeverity(v.severity());
        String findingId = EventIds.findingId(artifact.digest(), v.id(), v.packageName(), v.version());
        Map<String, Object> e = new LinkedHashMap<>(64);
        e.put("event.id", EventIds.nameBased("finding", findingId, scan.reportId()));
        common(e, "VULNERABILITY_FINDING", "Vulnerability finding event");
        e.put("event.description", "Vulnerability " + v.id() + " was found in container image "
                + artifact.repository() + " in " + v.packageName() + " (" + v.version() + ")");
        artifactFields(e, artifact);
        e.put("finding.id", findingId);
        e.put("finding.type", "DEPENDENCY_VULNERABILITY");
        e.put("finding.title", v.id() + " on " + artifact.repository());
        e.put("finding.time.created", scan.endTime());
        e.put("finding.severity", v.severity() == null ? "" : v.severity());
        putIfPresent(e, "finding.score", v.cvssScore());
        e.put("dt.security.risk.level", risk.name());
        e.put("dt.security.risk.score", risk.score());
        e.put("vulnerability.id", v.id());
        e.put("vulnerability.title", v.id());
        putIfPresent(e, "vulnerability.description", v.description());
        if (CVE.matcher(v.id()).matches()) {
            e.put("vulnerability.references.cve", List.of(v.id()));
        }
        if (!v.cweIds().isEmpty()) {
            e.put("vulnerability.references.cwe", v.cweIds());
        }
        putIfPresent(e, "vulnerability.cvss.base_score", v.cvssScore());
        if (v.cvssVector() != null) {
            var version = CVSS_VERSION.matcher(v.cvssVector());
            if (version.matches()) {
                e.put("vulnerability.cvss.version", version.group(1));
            }
            e.put("vulnerability.cvss.vector", v.cvssVector());
        }
        if (v.fixVersion() != null) {
            e.put("vulnerability.remediation.status", "AVAILABLE");
            e.put("vulnerability.remediation.description",
                    "Upgrade to " + v.packageName() + " " + v.fixVersion() + " or later.");
            e.put("vulnerability.remediation.fix_versions", List.of(v.fixVersion()));
        } else {
            e.put("vulnerability.remediation.status", "NOT_AVAILABLE");
        }
        e.put("component.name", v.packageName());
        e.put("component.version", v.version());
        e.put("scan.id", scan.reportId());
        e.put("scan.name", scan.reportId());
        e.put("scan.time.completed", scan.endTime());
        runtimeFields(e, runtime);
        e.putAll(extraAttributes);
        return e;
    }

    /**
     * Where the image runs (README, "Runtime context"): Dynatrace's Kubernetes attribute names, as lists because
     * one image runs in many places, and {@code runtime.status}, which also says when it is not known.
     */
    private static void runtimeFields(Map<String, Object> e, RuntimeContext runtime) {
        if (runtime == null) {
            return;
        }
        e.put("runtime.status", runtime.status().name());
        e.put("runtime.containers.running", runtime.runningContainers());
        if (runtime.running()) {
            e.put("k8s.cluster.name", runtime.clusters());
            e.put("k8s.namespace.name", runtime.namespaces());
            e.put("k8s.workload.kind", runtime.workloadKinds());
            e.put("k8s.workload.name", runtime.workloadNames());
            if (!runtime.stages().isEmpty()) {
                e.put("deployment.release_stage", runtime.stages());
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

    private static void common(Map<String, Object> e, String type, String name) {
        e.put("event.kind", "SECURITY_EVENT");
        e.put("event.type", type);
        e.put("event.provider", PROVIDER);
        e.put("event.name", name);
        e.put("event.category", "VULNERABILITY_MANAGEMENT");
    }

    private static void artifactFields(Map<String, Object> e, ScannedArtifact a) {
        putIfPresent(e, "product.vendor", a.scan().scannerVendor());
        putIfPresent(e, "product.name", a.scan().scannerName());
        e.put("object.id", a.objectId());
        e.put("object.name", a.repository());
        e.put("object.type", "CONTAINER_IMAGE");
        e.put("container_image.digest", a.digest());
        e.put("container_image.repository", a.repository());
        e.put("container_image.registry", a.registry());
        if (!a.tags().isEmpty()) {
            e.put("container_image.tags", a.tags());
        }
        e.put("harbor.project.name", a.projectName());
        putIfPresent(e, "harbor.project.id", a.projectId());
    }

    private static void putIfPresent(Map<String, Object> e, String key, Object value) {
        if (value != null) {
            e.put(key, value);
        }
    }
}
