package io.github.harbordt.runtime;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.List;

/** One cluster's pods (and namespaces, for their labels), listed afresh on every call. */
public interface InventorySource extends AutoCloseable {

    record Listing(List<Pod> pods, List<Namespace> namespaces) {
    }

    String cluster();

    StageRules stages();

    /** Throws with a message that names the setting or permission to fix. */
    Listing list() throws Exception;

    @Override
    default void close() {
    }
}
