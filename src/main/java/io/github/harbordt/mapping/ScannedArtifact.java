package io.github.harbordt.mapping;

import java.util.List;

/**
 * One image artifact of one Harbor registry together with its completed scan: everything the scan event
 * and the artifact half of each finding event are made of.
 *
 * @param registry   registry host without scheme, e.g. {@code harbor.example.com}
 * @param repository full repository name including the project, e.g. {@code library/nginx}
 * @param tags       tag names, empty when untagged
 */
public record ScannedArtifact(String registry, String projectId, String projectName, String repository,
                              String digest, List<String> tags, ScanSummary scan) {

    public ScannedArtifact {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** {@code <registry>/<repository>/<digest>}: the object the findings are about. */
    public String objectId() {
        return registry + "/" + repository + "/" + digest;
    }

    /** The report names the scanner that produced it; the scan overview's copy is the fallback. */
    public ScannedArtifact scannedBy(String scannerName, String scannerVendor) {
        if (scannerName == null && scannerVendor == null) {
            return this;
        }
        ScanSummary s = scan;
        return new ScannedArtifact(registry, projectId, projectName, repository, digest, tags, new ScanSummary(s.reportId(),
                s.status(), s.startTime(), s.endTime(), scannerName != null ? scannerName : s.scannerName(),
                scannerVendor != null ? scannerVendor : s.scannerVendor(), s.findingsTotal()));
    }
}
