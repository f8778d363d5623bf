package io.github.harbordt.pipeline;

import io.github.harbordt.state.StateStoreException;

/** How a cycle ended; run-once mode turns the worst of them into the exit status (README, "Run modes"). */
public enum CycleResult {
    /** the previous cycle of the instance still runs (service mode): this one did not start */
    SKIPPED(0),
    /** every event delivered; the watermark advanced */
    DELIVERED(0),
    /** everything settled, but some events went to the dead-letter store; the watermark advanced */
    DEAD_LETTERED(1),
    /** Harbor failed, a scanned artifact could not be read, or delivery timed out; the watermark was kept */
    FAILED(2),
    /** Dynatrace refused the token or the endpoint, in this cycle or an earlier one: nothing more is sent until a restart */
    HALTED(3),
    /** the state database could not be read or written: the cycle stopped at once, the watermark was kept */
    STATE_UNAVAILABLE(4),
    /**
     * something waits to be tried again automatically: batches Dynatrace could not take (the outbox), or artifacts whose
     * report could not be read (pending); the rest was delivered and the watermark advanced
     */
    PENDING(6);

    private final int exitCode;

    CycleResult(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** A settled cycle: dead letters and batches kept for a later attempt say so. */
    public static CycleResult settled(CycleStats stats) {
        return stats.queued.get() > 0 || stats.keptPending.get() > 0 ? PENDING
                : stats.deadLettered.get() > 0 || stats.refused.get() > 0
                ? DEAD_LETTERED : DELIVERED;
    }

    /** A cycle that stopped on this failure. */
    public static CycleResult of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StateStoreException) {
                return STATE_UNAVAILABLE;
            }
        }
        return FAILED;
    }
}
