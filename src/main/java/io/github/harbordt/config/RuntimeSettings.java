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
     * @param proxy      empty = the environment's proxy for the API server; {@code none} or a proxy URL
     * @param dynatrace  set when the inventory comes from Dynatrace's query API ({@code runtime.<name>.source=dynatrace})
     */
    public record Cluster(String name, String kubeconfig, String context, String podsFile, List<String> namespaces,
                          StageRules stages, int pageSize, Duration requestTimeout, String proxy, DynatraceQuery dynatrace) {
        /** What start-up logs: where the pods come from; a proxy's password never. */
        @Override
        public String toString() {
            String source = dynatrace != null ? dynatrace.toString() : !podsFile.isEmpty() ? "pods-file=" + podsFile
                    : "kubeconfig=" + (kubeconfig.isEmpty() ? "(default)" : kubeconfig) + (context.isEmpty() ? "" : " context=" + context);
            return name + "[" + source + (namespaces.isEmpty() ? "" : " namespaces=" + namespaces)
                    + (proxy.isEmpty() ? "" : " proxy=" + Proxies.redacted(proxy)) + "]";
        }
    }

    /**
     * {@code runtime.<name>.dynatrace-*}: the platform address, a platform token or an OAuth client, the query and its
     * row limit.
     */
    public record DynatraceQuery(String url, String token, String clientId, String clientSecret, String tokenUrl,
                                 String query, int maxRows) {
        @Override
        public String toString() {
            return "DynatraceQuery[" + url + "]";
        }
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
                    Math.max(1, c.integer("page-size")), c.duration("request-timeout"), c.string("proxy"), dynatrace(name, c)));
        }
        return new RuntimeSettings(List.copyOf(clusters), s.duration("runtime.refresh-interval"),
                s.string("runtime.production-stage"), s.duration("runtime.first-listing-wait"));
    }

    private static DynatraceQuery dynatrace(String name, Settings c) {
        String source = c.string("source");
        if (source.equals("kubernetes")) {
            return null;
        }
        if (!source.equals("dynatrace")) {
            throw new IllegalArgumentException("runtime." + name + ".source must be kubernetes or dynatrace; was " + source);
        }
        String url = c.string("dynatrace-url").replaceAll("/+$", "");
        boolean oauth = !c.string("dynatrace-oauth-client-id").isEmpty();
        if (!url.matches("(?i)https?://[^/]+.*") || c.string("dynatrace-token").isEmpty() && !oauth
                || oauth && c.string("dynatrace-oauth-client-secret").isEmpty()) {
            throw new IllegalArgumentException("runtime." + name + ".source=dynatrace needs runtime." + name
                    + ".dynatrace-url (DT_PLATFORM_URL, e.g. https://abc12345.apps.dynatrace.com) and either runtime." + name
                    + ".dynatrace-token (DT_PLATFORM_TOKEN, a platform token with scope storage:entities:read) or runtime."
                    + name + ".dynatrace-oauth-client-id and -client-secret (DT_OAUTH_CLIENT_ID, DT_OAUTH_CLIENT_SECRET)");
        }
        return new DynatraceQuery(url, c.string("dynatrace-token"), c.string("dynatrace-oauth-client-id"),
                c.string("dynatrace-oauth-client-secret"), c.string("dynatrace-oauth-token-url"), c.string("dynatrace-query"),
                c.integer("dynatrace-max-rows"));
    }

    public boolean enabled() {
        return !clusters.isEmpty();
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }
}
