package io.github.harbordt.runtime;

import java.util.Optional;

/**
 * What a running container runs, as far as its pod status tells: the manifest digest when the runtime reports one,
 * and always the repository path (without registry host, tag or digest), so an unresolvable tag can still be told
 * apart from an image that does not run.
 *
 * <p>Runtimes report {@code imageID} differently: Docker {@code docker-pullable://host/repo@sha256:…} (or
 * {@code docker://sha256:…}, a local image id), containerd {@code host/repo@sha256:…}, CRI-O often its internal
 * {@code sha256:…} image id. Only a {@code repo@sha256:} form names the manifest Harbor scanned; otherwise a
 * digest-pinned {@code image} is used, and a tag-only image stays unresolved.
 *
 * @param digest null when unresolved
 */
public record ContainerImage(String digest, String repositoryPath) {

    public static ContainerImage of(String imageID, String image) {
        String reference = image == null ? "" : image.trim();
        String digest = repositoryDigest(imageID).or(() -> repositoryDigest(reference)).orElse(null);
        String path = repositoryPath(reference.isEmpty() ? stripScheme(imageID) : reference);
        return new ContainerImage(digest, path);
    }

    public boolean resolved() {
        return digest != null;
    }

    /** {@code sha256:…} of a {@code repo@sha256:…} reference (with or without a {@code scheme://} prefix). */
    private static Optional<String> repositoryDigest(String reference) {
        if (reference == null) {
            return Optional.empty();
        }
        String r = stripScheme(reference);
        int at = r.lastIndexOf('@');
        if (at <= 0) {
            // a bare sha256:… is a runtime's own image id, not a registry manifest digest
            return Optional.empty();
        }
        String digest = r.substring(at + 1);
        return digest.matches("sha256:[0-9a-f]{64}") ? Optional.of(digest) : Optional.empty();
    }

    /** {@code harbor.example.com:443/library/nginx:1.25} → {@code library/nginx}. */
    static String repositoryPath(String reference) {
        String r = stripScheme(reference);
        int at = r.indexOf('@');
        if (at >= 0) {
            r = r.substring(0, at);
        }
        int slash = r.lastIndexOf('/');
        int colon = r.lastIndexOf(':');
        if (colon > slash) {
            r = r.substring(0, colon);
        }
        int first = r.indexOf('/');
        if (first > 0) {
            String host = r.substring(0, first);
            if (host.contains(".") || host.contains(":") || host.equals("localhost")) {
                r = r.substring(first + 1);
            }
        }
        return r;
    }

    private static String stripScheme(String reference) {
        if (reference == null) {
            return "";
        }
        int scheme = reference.indexOf("://");
        return scheme < 0 ? reference.trim() : reference.substring(scheme + 3).trim();
    }
}
