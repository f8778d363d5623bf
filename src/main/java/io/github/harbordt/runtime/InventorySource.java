package io.github.harbordt.runtime;

import io.github.harbordt.config.StageRules;

/** One cluster's pods (and namespaces, for their labels), listed afresh on every call. */
public interface InventorySource extends AutoCloseable {

    String cluster();

    StageRules stages();

    /**
     * Feeds the cluster's namespaces, then its pods page by page, into {@code into}. Throws with a message that names
     * the setting or permission to fix; what was fed before is then discarded.
     */
    void list(RuntimeInventory.ClusterListing into) throws Exception;

    @Override
    default void close() {
    }
}
