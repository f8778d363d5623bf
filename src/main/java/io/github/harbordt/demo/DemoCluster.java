package io.github.harbordt.demo;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.github.harbordt.config.StageRules;
import io.github.harbordt.runtime.InventorySource;
import io.github.harbordt.runtime.RuntimeInventory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The demo registry's cluster: a shop in production and staging, a platform namespace labelled production, a data
 * science sandbox; Docker, containerd and CRI-O forms of the image id, a terminated container and a tag nobody can
 * resolve. Stages come from the {@code environment} label and namespace names, as a user would configure them.
 */
public final class DemoCluster implements InventorySource {

    public static final String NAME = "demo-cluster";
    private static final String HOST = "demo-harbor.local";

    private final List<Pod> pods;
    private final List<Namespace> namespaces;
    private final StageRules stages = new StageRules("environment",
            StageRules.parse("runtime.demo.namespace-stages", "prod-*=production,staging-*=staging"), "development");

    private DemoCluster(List<Pod> pods, List<Namespace> namespaces) {
        this.pods = pods;
        this.namespaces = namespaces;
    }

    public static DemoCluster of(SimulatedRegistry registry) {
        List<Pod> pods = new ArrayList<>();
        for (int replica = 0; replica < 2; replica++) {
            pods.add(pod(registry, "prod-payments", "checkout-api-" + replica, "ReplicaSet", "checkout-api-5c9f7d8b6d",
                    "payments/checkout-api", "2.4.1", Runtime.CONTAINERD, true));
        }
        pods.add(pod(registry, "prod-payments", "ledger-0", "StatefulSet", "ledger", "payments/backend/ledger", "1.9.3", Runtime.DOCKER, true));
        pods.add(pod(registry, "prod-web", "nginx-7f8c9-abcde", "ReplicaSet", "nginx-7f8c9", "library/nginx", "1.25.3", Runtime.CONTAINERD, true));
        pods.add(pod(registry, "staging-web", "nginx-5d6e7-fghij", "ReplicaSet", "nginx-5d6e7", "library/nginx", "1.25.2", Runtime.DOCKER, true));
        pods.add(pod(registry, "staging-web", "redis-0", "StatefulSet", "redis", "library/redis", "7.2.4", Runtime.CRIO, true));
        pods.add(pod(registry, "platform", "ingress-controller-x7k2p", "DaemonSet", "ingress-controller", "platform/ingress-controller", "1.10.0", Runtime.CONTAINERD, true));
        pods.add(pod(registry, "ds-sandbox", "notebook", null, null, "data-science/notebook", "2024.03", Runtime.CRIO, true));
        pods.add(pod(registry, "prod-payments", "db-migrate-28901234-q8z", "Job", "db-migrate-28901234", "library/postgres", "16.2", Runtime.DOCKER, false));
        // pulled by tag on a Docker node that only reports its local image id: which digest runs is not known
        pods.add(pod(registry, "ds-sandbox", "model-serving-rc", null, null, "data-science/model-serving", "3.2.0-rc1", Runtime.UNRESOLVED, true));
        List<Namespace> namespaces = List.of(namespace("prod-payments", Map.of()), namespace("prod-web", Map.of()),
                namespace("staging-web", Map.of()), namespace("platform", Map.of("environment", "production")),
                namespace("ds-sandbox", Map.of()));
        return new DemoCluster(pods, namespaces);
    }

    private enum Runtime { DOCKER, CONTAINERD, CRIO, UNRESOLVED }

    private static Pod pod(SimulatedRegistry registry, String namespace, String name, String ownerKind, String ownerName,
                           String repository, String tag, Runtime runtime, boolean running) {
        String digest = registry.artifacts().stream()
                .filter(a -> a.repository().equals(repository) && a.tags().contains(tag)).findFirst()
                .orElseThrow(() -> new IllegalStateException("demo registry has no " + repository + ":" + tag)).digest();
        String byTag = HOST + "/" + repository + ":" + tag;
        String byDigest = HOST + "/" + repository + "@" + digest;
        String imageID = switch (runtime) {
            case DOCKER -> "docker-pullable://" + byDigest;
            case CONTAINERD -> byDigest;
            case CRIO -> "sha256:" + String.format("%08x", name.hashCode()).repeat(8);
            case UNRESOLVED -> "docker://sha256:" + "0f".repeat(32);
        };
        // CRI-O reports its own image id; such pods are deployed by digest, which is what identifies them
        String specImage = runtime == Runtime.CRIO ? byDigest : byTag;
        PodBuilder b = new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata();
        if (ownerKind != null) {
            b.editMetadata().addNewOwnerReference().withApiVersion("apps/v1").withKind(ownerKind).withName(ownerName)
                    .withController(true).withUid(name).endOwnerReference().endMetadata();
            if ("ReplicaSet".equals(ownerKind)) {
                b.editMetadata().addToLabels("pod-template-hash", ownerName.substring(ownerName.lastIndexOf('-') + 1)).endMetadata();
            }
        }
        ContainerStateBuilder state = new ContainerStateBuilder();
        if (running) {
            state.withNewRunning().withStartedAt("2026-11-20T08:00:00Z").endRunning();
        } else {
            state.withNewTerminated().withExitCode(0).withReason("Completed").endTerminated();
        }
        return b.withNewSpec().addNewContainer().withName("main").withImage(specImage).endContainer().endSpec()
                .withNewStatus().withPhase(running ? "Running" : "Succeeded").addNewContainerStatus().withName("main")
                .withImage(specImage).withImageID(imageID).withState(state.build()).endContainerStatus().endStatus().build();
    }

    private static Namespace namespace(String name, Map<String, String> labels) {
        return new NamespaceBuilder().withNewMetadata().withName(name).addToLabels(labels).endMetadata().build();
    }

    @Override
    public String cluster() {
        return NAME;
    }

    @Override
    public StageRules stages() {
        return stages;
    }

    @Override
    public void list(RuntimeInventory.ClusterListing into) {
        into.namespaces(namespaces);
        into.pods(pods);
    }
}
