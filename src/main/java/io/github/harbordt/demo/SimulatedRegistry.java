package io.github.harbordt.demo;

import io.github.harbordt.harbor.ReportMimeTypes;
import io.github.harbordt.mapping.AuditStream;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The content of a simulated Harbor: projects, repositories, artifacts and their scans. Thread-safe, so a test can
 * push, rescan or delete while a crawl runs.
 */
public final class SimulatedRegistry {

    public record Project(int id, String name, boolean isPublic) {
    }

    /**
     * A vulnerability as Harbor stores it; null fields are omitted or written the way Harbor writes absent values.
     */
    public record Vuln(String id, String pkg, String version, String fixVersion, String severity, String description,
                       Double cvssV3, String vectorV3, List<String> cweIds, List<String> links) {
    }

    /**
     * A scan: {@code vulnerabilities} is produced on demand so a huge simulated registry costs no memory.
     *
     * @param mime which report format the scanner produced
     */
    public record Scan(String reportId, String status, Instant start, Instant end, String mime, String scannerName,
                       String scannerVendor, String scannerVersion, int total, VulnSource vulnerabilities) {
    }

    @FunctionalInterface
    public interface VulnSource {
        List<Vuln> get();
    }

    public static final class Artifact {
        final long id;
        final Project project;
        final String repository;
        final String digest;
        final String type;
        final List<String> tags;
        volatile Scan scan;
        volatile boolean reportMissing;
        volatile List<String> children = List.of();

        Artifact(long id, Project project, String repository, String digest, String type, List<String> tags, Scan scan) {
            this.id = id;
            this.project = project;
            this.repository = repository;
            this.digest = digest;
            this.type = type;
            this.tags = tags;
            this.scan = scan;
        }

        public String digest() {
            return digest;
        }

        public String repository() {
            return repository;
        }

        public Scan scan() {
            return scan;
        }

        public Project project() {
            return project;
        }

        public List<String> tags() {
            return tags == null ? List.of() : tags;
        }
    }

    /**
     * An audit row as Harbor stores it; {@code description} and {@code succeeded} only exist in the 2.13+ table.
     */
    public record AuditRow(long id, String username, String operation, String resourceType, String resource,
                           String description, boolean succeeded, Instant opTime) {
    }

    private final String version;
    private final String robotName;
    private final String robotSecret;
    private final Map<String, Project> projects = new ConcurrentSkipListMap<>();
    private final Map<Long, Artifact> artifacts = new ConcurrentSkipListMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Map<AuditStream, ConcurrentSkipListMap<Long, AuditRow>> audit = Map.of(
            AuditStream.EXTS, new ConcurrentSkipListMap<>(), AuditStream.LEGACY, new ConcurrentSkipListMap<>());
    private final Map<AuditStream, AtomicLong> auditIds = Map.of(AuditStream.EXTS, new AtomicLong(), AuditStream.LEGACY, new AtomicLong());
    private volatile boolean auditPermission = true;

    public SimulatedRegistry(String version, String robotName, String robotSecret) {
        this.version = version;
        this.robotName = robotName;
        this.robotSecret = robotSecret;
    }

    public String version() {
        return version;
    }

    public String robotName() {
        return robotName;
    }

    public String robotSecret() {
        return robotSecret;
    }

    public boolean authenticates(String user, String secret) {
        return robotName.equals(user) && robotSecret.equals(secret);
    }

    public Project project(String name, boolean isPublic) {
        return projects.computeIfAbsent(name, n -> new Project(projects.size() + 1, n, isPublic));
    }

    /** Adds an artifact to {@code repository} (full name, project first); the project must exist. */
    public Artifact push(String repository, String digest, String type, List<String> tags, Scan scan) {
        String projectName = repository.substring(0, repository.indexOf('/'));
        Project project = Objects.requireNonNull(projects.get(projectName), "no project " + projectName);
        long id = ids.incrementAndGet();
        Artifact a = new Artifact(id, project, repository, digest, type, tags, scan);
        artifacts.put(id, a);
        return a;
    }

    /** A new scan of the artifact: new report id and times, like Harbor after a rescan. */
    public void rescan(Artifact artifact, Instant end, int total, VulnSource vulnerabilities) {
        Scan old = artifact.scan;
        artifact.scan = new Scan(UUID.randomUUID().toString(), "Success", end.minusSeconds(20), end,
                old == null ? ReportMimeTypes.V1_1 : old.mime(),
                old == null ? "Trivy" : old.scannerName(), old == null ? "Aqua Security" : old.scannerVendor(),
                old == null ? "v0.56.2" : old.scannerVersion(), total, vulnerabilities);
    }

    /** Deletes the artifact, as a user or a retention policy does in Harbor. */
    public void delete(Artifact artifact) {
        artifacts.remove(artifact.id);
    }

    /** Makes the artifact an image index of these per-platform manifests (listed in its {@code references}). */
    public void children(Artifact index, List<String> childDigests) {
        index.children = List.copyOf(childDigests);
    }

    /** Replaces the artifact's scan, e.g. with one still running or one that failed. */
    public void scan(Artifact artifact, Scan scan) {
        artifact.scan = scan;
    }

    /** Makes additions/vulnerabilities answer {@code {}} for the artifact, as Harbor does after a mime mismatch. */
    public void hideReport(Artifact artifact) {
        artifact.reportMissing = true;
    }

    /** Appends a row to the audit table with the next id. */
    public AuditRow audit(AuditStream table, String username, String operation, String resourceType, String resource,
                          String description, boolean succeeded, Instant opTime) {
        long id = auditIds.get(table).incrementAndGet();
        AuditRow row = new AuditRow(id, username, operation, resourceType, resource, description, succeeded, opTime);
        audit.get(table).put(id, row);
        return row;
    }

    /** Deletes the rows below {@code id}, as Harbor's audit purge job does, leaving a gap in the ids. */
    public void purgeAudit(AuditStream table, long belowId) {
        audit.get(table).headMap(belowId).clear();
    }

    /** Skips ids, as a purge or a rolled-back insert leaves them. */
    public void skipAuditIds(AuditStream table, long count) {
        auditIds.get(table).addAndGet(count);
    }

    public List<AuditRow> auditRows(AuditStream table) {
        return new ArrayList<>(audit.get(table).values());
    }

    /** Without the permission the robot reads {@code 200 []} from the audit endpoints, as in Harbor. */
    public void auditPermission(boolean granted) {
        this.auditPermission = granted;
    }

    public boolean auditPermission() {
        return auditPermission;
    }


    public Collection<Project> projects() {
        return projects.values();
    }

    public Project projectByName(String name) {
        return projects.get(name);
    }

    public List<Artifact> artifacts() {
        return new ArrayList<>(artifacts.values());
    }

    public List<Artifact> artifactsOf(String projectName) {
        return artifacts.values().stream().filter(a -> a.project.name().equals(projectName)).toList();
    }

    public List<String> repositoriesOf(String projectName) {
        return artifactsOf(projectName).stream().map(a -> a.repository).distinct().sorted().toList();
    }

    public Artifact artifact(String repository, String digest) {
        return artifacts.values().stream().filter(a -> a.repository.equals(repository) && a.digest.equals(digest))
                .findFirst().orElse(null);
    }
}
