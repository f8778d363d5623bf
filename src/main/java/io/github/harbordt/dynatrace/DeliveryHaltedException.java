package io.github.harbordt.dynatrace;

/** 401/403/404: delivery for the instance stops; the data stays in Harbor for the next start, nothing is dead-lettered. */
public class DeliveryHaltedException extends DeliveryException {
    public DeliveryHaltedException(String message, int status) {
        super(message, status, -1);
    }
}
