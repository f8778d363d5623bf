package io.github.harbordt.runtime;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which digests stand for the same multi-platform image: an image index and its per-platform manifests, learned from
 * the {@code references} Harbor lists with each index artifact. A pod may report the index digest while Harbor
 * scanned a child (webhooks name children), or the other way round; both count as the same image.
 */
public final class ImageAliases {

    private final Map<String, Set<String>> children = new ConcurrentHashMap<>();
    private final Map<String, String> parents = new ConcurrentHashMap<>();

    /** Learns from one artifact of a Harbor artifact list (or a single-artifact read); others are ignored. */
    public void learn(JsonNode artifact) {
        JsonNode references = artifact == null ? null : artifact.get("references");
        String index = artifact == null ? null : artifact.path("digest").asText(null);
        if (index == null || references == null || !references.isArray() || references.isEmpty()) {
            return;
        }
        Set<String> kids = ConcurrentHashMap.newKeySet();
        for (JsonNode r : references) {
            String child = r.path("child_digest").asText(null);
            if (child != null && child.startsWith("sha256:")) {
                kids.add(child);
                parents.put(child, index);
            }
        }
        children.put(index, kids);
    }

    /** The other digests of the same image: an index's children, or a child's index. */
    public List<String> of(String digest) {
        Set<String> kids = children.get(digest);
        if (kids != null) {
            return List.copyOf(kids);
        }
        String parent = parents.get(digest);
        return parent == null ? List.of() : List.of(parent);
    }
}
