package io.github.harbordt.dynatrace;

import io.github.harbordt.state.StateStoreException;

import java.util.Optional;

/**
 * What becomes of each batch, told to whoever keeps account of delivery (the pipeline's ledger): it decides what a
 * settled batch means for its scans, rows and watermarks. Delivery itself only reports.
 */
public interface DeliveryOutcomes {

    /** Why delivery for the instance and sink stopped (a refused token or endpoint), if it did. */
    Optional<String> haltReason(String instanceId, Sink sink);

    void delivered(Batch batch);

    void deadLettered(Batch batch);

    /** Kept in the outbox for a later attempt. */
    void queued(Batch batch);

    /** Not delivered now and not stored: delivery for the instance and sink stops with the reason. */
    void abandoned(Batch batch, String reason);

    /** Sent or dead-lettered, but the state database could not record it. */
    void unrecorded(Batch batch, StateStoreException failure);

    /** Records of a batch Dynatrace otherwise kept, dropped and dead-lettered (a logs partial success). */
    void refused(Batch batch, int records);
}
