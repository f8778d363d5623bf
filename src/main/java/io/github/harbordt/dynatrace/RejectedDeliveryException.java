package io.github.harbordt.dynatrace;

/** 400 and other permanent answers: the batch goes to the dead-letter store at once with Dynatrace's answer. */
public class RejectedDeliveryException extends DeliveryException {
    public RejectedDeliveryException(String message, int status) {
        super(message, status, -1);
    }
}
