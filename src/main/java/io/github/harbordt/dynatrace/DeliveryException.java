package io.github.harbordt.dynatrace;

/** Dynatrace did not accept a batch. */
public class DeliveryException extends RuntimeException {
    private final int status;
    private final long retryAfterMillis;

    public DeliveryException(String message, int status, long retryAfterMillis) {
        super(message);
        this.status = status;
        this.retryAfterMillis = retryAfterMillis;
    }

    /** HTTP status, 0 for a transport failure. */
    public int status() {
        return status;
    }

    /** The server's {@code Retry-After} in milliseconds, or -1. */
    public long retryAfterMillis() {
        return retryAfterMillis;
    }
}
