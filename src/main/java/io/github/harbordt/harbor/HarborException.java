package io.github.harbordt.harbor;

/** Harbor answered in a way the cycle cannot continue from (after any retries). */
public class HarborException extends RuntimeException {
    private final int status;

    public HarborException(String message) {
        this(message, 0);
    }

    public HarborException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The HTTP status, 0 when there was none. */
    public int status() {
        return status;
    }
}
