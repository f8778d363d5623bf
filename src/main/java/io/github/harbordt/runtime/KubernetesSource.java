package io.github.harbordt.runtime;

import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.harbordt.config.Proxies;
import io.github.harbordt.config.RuntimeSettings;
import io.github.harbordt.config.StageRules;

import java.io.IOException;
import java.net.ConnectException;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A cluster's pods through the fabric8 Kubernetes client: all namespaces or the configured ones, in pages of
 * {@code page-size} (the API server's {@code limit}/{@code continue}), so a 50,000-pod cluster is never one response.
 * Read-only: list pods, list (or get) namespaces; config/kubernetes/clusterrole.yaml grants exactly that.
 */
public final class KubernetesSource implements InventorySource {

    private static final String RBAC_FIX = "apply config/kubernetes/clusterrole.yaml and bind it to the connector's "
            + "service account or user (it needs list on pods and namespaces)";

    private final RuntimeSettings.Cluster settings;
    private final KubernetesClient client;

    /** @param proxies the environment's proxies, which the fabric8 client does not take from the JVM */
    public KubernetesSource(RuntimeSettings.Cluster settings, Proxies proxies) throws IOException {
        this.settings = settings;
        String context = settings.context().isEmpty() ? null : settings.context();
        Config config = settings.kubeconfig().isEmpty()
                ? Config.autoConfigure(context)
                : Config.fromKubeconfig(context, Files.readString(Path.of(settings.kubeconfig())), settings.kubeconfig());
        config.setRequestTimeout((int) settings.requestTimeout().toMillis());
        config.setConnectionTimeout((int) Math.min(settings.requestTimeout().toMillis(), 10_000));
        // the refresh schedule is the retry; the client's own backoff would hold the refresh thread for minutes
        config.setRequestRetryBackoffLimit(0);
        useProxy(config, settings, proxies);
        this.client = new KubernetesClientBuilder().withConfig(config).build();
    }

    /**
     * The cluster's own setting, else the environment's proxies with the connector's NO_PROXY rules (the same as for
     * every other destination); with neither, the kubeconfig's {@code proxy-url} stays as fabric8 read it.
     */
    private static void useProxy(Config config, RuntimeSettings.Cluster settings, Proxies proxies) {
        Optional<URI> proxy;
        if (!settings.proxy().isEmpty()) {
            proxy = Proxies.setting(settings.proxy(), "runtime." + settings.name() + ".proxy");
        } else if (proxies.fromEnvironment()) {
            proxy = proxies.proxyFor(URI.create(config.getMasterUrl()));
        } else {
            return;
        }
        String address = proxy.map(Proxies::address).orElse(null);
        config.setHttpsProxy(address);
        config.setHttpProxy(address);
        config.setNoProxy(new String[0]);
        Optional<PasswordAuthentication> credentials = proxy.flatMap(Proxies::credentials);
        if (credentials.isPresent() && new String(credentials.get().getPassword()).contains(":")) {
            // fabric8 splits the user:password pair it is given at every ':' and then sends none
            throw new IllegalArgumentException("runtime." + settings.name() + ": the Kubernetes client cannot send a proxy "
                    + "password that contains ':'; give runtime." + settings.name() + ".proxy a proxy user whose password "
                    + "has none, or none to reach the API server directly");
        }
        config.setProxyUsername(credentials.map(PasswordAuthentication::getUserName).orElse(null));
        config.setProxyPassword(credentials.map(c -> new String(c.getPassword())).orElse(null));
    }

    @Override
    public String cluster() {
        return settings.name();
    }

    @Override
    public StageRules stages() {
        return settings.stages();
    }

    @Override
    public void list(RuntimeInventory.ClusterListing into) {
        try {
            if (settings.namespaces().isEmpty()) {
                into.namespaces(client.namespaces().list().getItems());
                page(options -> client.pods().inAnyNamespace().list(options), into);
            } else {
                for (String ns : settings.namespaces()) {
                    Namespace namespace = client.namespaces().withName(ns).get();
                    into.namespaces(namespace == null ? List.of() : List.of(namespace));
                    page(options -> client.pods().inNamespace(ns).list(options), into);
                }
            }
        } catch (KubernetesClientException e) {
            throw new IllegalStateException(explain(e), e);
        }
    }

    private interface Lister {
        PodList list(ListOptions options);
    }

    private void page(Lister lister, RuntimeInventory.ClusterListing into) {
        String next = null;
        do {
            PodList page = lister.list(new ListOptionsBuilder().withLimit((long) settings.pageSize()).withContinue(next).build());
            into.pods(page.getItems());
            next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
        } while (next != null && !next.isEmpty());
    }

    /** One line naming what to fix; never the token. */
    private String explain(KubernetesClientException e) {
        String where = "cluster '" + settings.name() + "' (" + client.getMasterUrl() + ")";
        return switch (e.getCode()) {
            case 401 -> where + " did not accept the connector's credentials: check runtime." + settings.name()
                    + ".kubeconfig and .context, or the service account token";
            case 403 -> where + " forbids listing pods or namespaces: " + RBAC_FIX;
            default -> {
                for (Throwable t = e; t != null; t = t.getCause()) {
                    if (t instanceof ConnectException || t instanceof UnknownHostException) {
                        yield where + " is unreachable (" + t.getMessage() + "): check runtime." + settings.name()
                                + ".kubeconfig and .context";
                    }
                }
                yield where + " could not be listed: " + e.getMessage();
            }
        };
    }

    @Override
    public void close() {
        client.close();
    }
}
