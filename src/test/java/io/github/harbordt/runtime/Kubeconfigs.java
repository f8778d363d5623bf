package io.github.harbordt.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A kubeconfig as a user hands one to the connector: one cluster, one context, a token, for the runtime tests. */
public final class Kubeconfigs {

    private Kubeconfigs() {
    }

    /**
     * Writes a kubeconfig whose current context is {@code prod}, reading the API server at {@code server} (a test
     * server's own certificate is not checked).
     */
    public static Path write(Path file, String server) throws IOException {
        return Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: prod
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                contexts:
                - name: prod
                  context:
                    cluster: prod
                    user: reader
                current-context: prod
                users:
                - name: reader
                  user:
                    token: kube-token
                """.formatted(server));
    }
}
