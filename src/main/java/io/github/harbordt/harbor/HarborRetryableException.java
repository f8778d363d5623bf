package io.github.harbordt.harbor;

/** A transient Harbor failure (5xx, 429, 504 from nginx): worth a bounded, backed-off retry. */
public class HarborRetryableException extends HarborException {
    public HarborRetryableException(String message, int status) {
        super(message, status);
    }
}
