package io.github.harbordt.runtime;

import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.harbordt.config.StageRules;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * An inventory from a file instead of an API server: the output of {@code kubectl get pods,namespaces -A -o json}
 * (or pods only), read again on every refresh, so a cluster the connector cannot reach can still be described.
 */
public final class PodListSource implements InventorySource {

    private final String cluster;
    private final Path file;
    private final StageRules stages;

    public PodListSource(String cluster, Path file, StageRules stages) {
        this.cluster = cluster;
        this.file = file;
        this.stages = stages;
    }

    @Override
    public String cluster() {
        return cluster;
    }

    @Override
    public StageRules stages() {
        return stages;
    }

    @Override
    public void list(RuntimeInventory.ClusterListing into) throws IOException {
        KubernetesList list;
        try (InputStream in = Files.newInputStream(file)) {
            list = Serialization.unmarshal(in, KubernetesList.class);
        } catch (IOException e) {
            throw new IOException("runtime." + cluster + ".pods-file " + file + " cannot be read: " + e.getMessage(), e);
        }
        List<Pod> pods = new ArrayList<>();
        List<Namespace> namespaces = new ArrayList<>();
        Set<String> otherKinds = new TreeSet<>();
        list.getItems().forEach(item -> {
            if (item instanceof Pod p) {
                pods.add(p);
            } else if (item instanceof Namespace n) {
                namespaces.add(n);
            } else {
                otherKinds.add(item.getClass().getSimpleName() + " " + item.getKind());
            }
        });
        if (pods.isEmpty() && !list.getItems().isEmpty()) {
            // items that are not read as pods: not an empty cluster, but a file (or a client) that was not understood
            throw new IOException("runtime." + cluster + ".pods-file " + file + " has " + list.getItems().size()
                    + " items but no pod among them (read as " + otherKinds + "); write it with "
                    + "kubectl get pods,namespaces -A -o json");
        }
        into.namespaces(namespaces);
        into.pods(pods);
    }
}
