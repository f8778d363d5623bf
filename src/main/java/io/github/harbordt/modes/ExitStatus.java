package io.github.harbordt.modes;

import java.util.concurrent.atomic.AtomicInteger;

/** The process exit status a one-shot mode decided on; Application exits with it once Camel has stopped. */
public final class ExitStatus {

    private static final AtomicInteger CODE = new AtomicInteger();

    private ExitStatus() {
    }

    public static void set(int code) {
        CODE.set(code);
    }

    public static int get() {
        return CODE.get();
    }
}
