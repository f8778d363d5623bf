package io.github.harbordt.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where the runtime inventory comes from: keys {@code runtime.*}, each cluster's {@code runtime.<name>.*} falling back
 * to {@code runtime.*} (config/application.properties documents each). No clusters = no runtime context.
 *
 * @param productionStage   the stage that counts as production for the funnel and the production-only filter
 * @param firstListingWait  how long the first scan cycle waits for the first listing; then it goes on with UNKNOWN
 */
public record RuntimeSettings(List<Cluster> clusters, Duration refreshInterval, String productionStage,
                              Duration firstListingWait) {

    /**
     * @param kubeconfig empty = the usual lookup: KUBECONFIG, ~/.kube/config, or the pod's service account
     * @param podsFile   instead of an API server, a {@code kubectl get pods -A -o json} dump (offline inventories)
     * @param namespaces empty = all namespaces
     */
    public record Cluster(String name, String kubeconfig, String context, String podsFile, List<String> namespaces,
                          StageRules stages, int pageSize, Duration requestTimeout) {
    }

    public static RuntimeSettings load(Settings s) {
        List<Cluster> clusters = new ArrayList<>();
        for (String name : list(s.string("runtime.clusters"))) {
            if (!name.matches("[a-zA-Z0-9_.-]+")) {
                throw new IllegalArgumentException("runtime.clusters: '" + name + "' is not a valid name (letters, digits, . - _)");
            }
            Settings c = s.scoped("runtime." + name, "runtime");
            clusters.add(new Cluster(name, c.string("kubeconfig"), c.string("context"), c.string("pods-file"),
                    list(c.string("namespaces")),
                    new StageRules(c.string("stage-label"),
                            StageRules.parse("runtime." + name + ".namespace-stages", c.string("namespace-stages")),
                            c.string("default-stage")),
                    Math.max(1, c.integer("page-size")), c.duration("request-timeout")));
        }
        return new RuntimeSettings(List.copyOf(clusters), s.duration("runtime.refresh-interval"),
                s.string("runtime.production-stage"), s.duration("runtime.first-listing-wait"));
    }

    public boolean enabled() {
        return !clusters.isEmpty();
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }
}
