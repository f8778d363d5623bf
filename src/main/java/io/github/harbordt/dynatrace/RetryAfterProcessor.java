package io.github.harbordt.dynatrace;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Runs when a delivery attempt failed, before the next delay is computed: a {@code Retry-After} from Dynatrace
 * (capped) replaces the exponential backoff for that attempt.
 */
public class RetryAfterProcessor implements Processor {

    private final long capMillis;

    public RetryAfterProcessor(long capMillis) {
        this.capMillis = capMillis;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (cause instanceof DeliveryException d && d.retryAfterMillis() >= 0) {
            exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, Math.min(d.retryAfterMillis(), capMillis));
        } else {
            exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
        }
    }
}
