package io.github.harbordt.pipeline;

/** How a cycle ended; run-once mode turns the worst of them into the exit status. */
public enum CycleResult {
    /** every event delivered; the watermark advanced */
    DELIVERED(0),
    /** everything settled, but some events went to the dead-letter store; the watermark advanced */
    DEAD_LETTERED(1),
    /** Harbor failed, delivery halted or timed out; the watermark was kept */
    FAILED(2),
    /** delivery for the instance is halted (token or endpoint refused): nothing was crawled */
    SKIPPED(3);

    private final int exitCode;

    CycleResult(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
