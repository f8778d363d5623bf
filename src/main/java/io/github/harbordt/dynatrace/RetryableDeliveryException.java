package io.github.harbordt.dynatrace;

/** 429, 5xx: redelivered with backoff, then dead-lettered. */
public class RetryableDeliveryException extends DeliveryException {
    public RetryableDeliveryException(String message, int status, long retryAfterMillis) {
        super(message, status, retryAfterMillis);
    }
}
