package io.github.harbordt.app;

import io.github.harbordt.pipeline.CycleResult;
import io.github.harbordt.state.StateStoreException;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process exit status a one-shot mode decided on; Application exits with it once Camel has stopped. A cycle's
 * outcome gives 0 to 4 ({@link io.github.harbordt.pipeline.CycleResult}); the statuses here are the process's own.
 */
public final class ExitStatus {

    /** The connector did not start: a setting is invalid, or a port it serves is taken. */
    public static final int CANNOT_START = 5;

    private static final AtomicInteger CODE = new AtomicInteger();

    private ExitStatus() {
    }

    public static void set(int code) {
        CODE.set(code);
    }

    public static int get() {
        return CODE.get();
    }

    /** The status of a start that failed, with the one line to print. */
    public static Failure ofStartFailure(Throwable e) {
        Throwable root = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StateStoreException) {
                return new Failure(CycleResult.STATE_UNAVAILABLE.exitCode(), t.getMessage());
            }
            root = t;
        }
        return new Failure(CANNOT_START, root.getMessage());
    }

    public record Failure(int status, String line) {
    }
}
