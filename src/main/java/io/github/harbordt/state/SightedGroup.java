package io.github.harbordt.state;

import java.time.Instant;
import java.util.List;

/** A group of findings as remembered: when it was first and last seen, and the images it was seen in. */
public record SightedGroup(String groupKey, String vulnerabilityId, String title, String registry, String repository,
                           String component, String version, String riskLevel, String fixVersion, Instant firstSeen,
                           Instant lastSeen, List<Image> images) {

    /**
     * An affected image at its last sighting.
     *
     * @param workloads {@code Kind/name}
     */
    public record Image(String digest, List<String> tags, String runtimeStatus, List<String> clusters,
                        List<String> namespaces, List<String> workloads, List<String> stages, Instant lastSeen) {
    }
}
