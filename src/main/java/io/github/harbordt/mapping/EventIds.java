package io.github.harbordt.mapping;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Deterministic identities: the same finding of the same scan always gets the same ids, so a redelivered
 * event can be recognised downstream, while a new scan yields new event ids.
 */
public final class EventIds {

    private EventIds() {
    }

    /** {@code <digest>/<vulnerability id>/<package>@<version>}, stable across scans. */
    public static String findingId(String digest, String vulnerabilityId, String packageName, String version) {
        return digest + "/" + vulnerabilityId + "/" + packageName + "@" + version;
    }

    /** Name-based (v3) UUID of the given parts; the separator keeps ("ab","c") and ("a","bc") apart. */
    public static String nameBased(String kind, String... parts) {
        StringBuilder name = new StringBuilder(kind);
        for (String part : parts) {
            name.append('\u001f').append(part);
        }
        return UUID.nameUUIDFromBytes(name.toString().getBytes(StandardCharsets.UTF_8)).toString();
    }
}
