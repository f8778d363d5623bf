package io.github.harbordt.state;

import io.github.harbordt.mapping.RuntimeContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * One finding of one image as the memory of sightings keeps it. Findings are grouped as Dynatrace's own daily query
 * groups them: by vulnerability, registry, repository, component and version; each group remembers its images.
 *
 * @param runtime null when no cluster is configured
 */
public record Sighting(String vulnerabilityId, String title, String registry, String repository, String component,
                       String version, String riskLevel, String fixVersion, String digest, List<String> tags,
                       RuntimeContext runtime) {

    /** A fixed-length key for the group's identity (the fields themselves can be long). */
    public String groupKey() {
        return groupKey(vulnerabilityId, registry, repository, component, version);
    }

    public static String groupKey(String vulnerabilityId, String registry, String repository, String component, String version) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(String.join("\u0000", vulnerabilityId, registry,
                    repository, component, version).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
