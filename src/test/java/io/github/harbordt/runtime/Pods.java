package io.github.harbordt.runtime;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

import java.util.Map;

/** Pod shapes as the Docker, containerd and CRI-O runtimes report them, for the runtime tests. */
public final class Pods {

    private Pods() {
    }

    public static String digest(int n) {
        return "sha256:" + String.format("%064x", n);
    }

    /** A running container; {@code imageID} and {@code statusImage} as the runtime reports them. */
    public static ContainerStatus running(String name, String statusImage, String imageID) {
        return new ContainerStatusBuilder().withName(name).withImage(statusImage).withImageID(imageID).withReady(true)
                .withNewState().withNewRunning().withStartedAt("2026-11-20T10:00:00Z").endRunning().endState().build();
    }

    public static ContainerStatus terminated(String name, String statusImage, String imageID) {
        return new ContainerStatusBuilder().withName(name).withImage(statusImage).withImageID(imageID)
                .withNewState().withNewTerminated().withExitCode(0).endTerminated().endState().build();
    }

    /**
     * A pod of a Deployment ({@code owner} = deployment name; a ReplicaSet with the pod-template-hash), or a bare
     * pod when {@code owner} is null; {@code specImage} is the image the pod asked for.
     */
    public static Pod pod(String namespace, String name, String owner, Map<String, String> labels, String specImage,
                          ContainerStatus status) {
        PodBuilder b = new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name)
                .addToLabels(labels).endMetadata();
        if (owner != null) {
            b.editMetadata().addToLabels("pod-template-hash", "7d4b9c6f5")
                    .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet")
                    .withName(owner + "-7d4b9c6f5").withController(true).withUid(name + "-rs").endOwnerReference()
                    .endMetadata();
        }
        return b.withNewSpec().addNewContainer().withName(status.getName()).withImage(specImage).endContainer().endSpec()
                .withNewStatus().withPhase("Running").addToContainerStatuses(status).endStatus().build();
    }

    public static Namespace namespace(String name, Map<String, String> labels) {
        return new NamespaceBuilder().withNewMetadata().withName(name).addToLabels(labels).endMetadata().build();
    }
}
