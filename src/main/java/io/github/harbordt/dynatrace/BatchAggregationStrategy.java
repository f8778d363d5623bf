package io.github.harbordt.dynatrace;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Groups {@link OutboundEvent}s into {@link Batch}es bounded by bytes and by count. The bound is checked before an
 * event joins ({@link #preComplete}), so no request ever exceeds it; the time bound is the aggregator's completion
 * timeout. The batch lives in the body (not in properties) so any aggregation repository keeps it.
 */
public class BatchAggregationStrategy implements AggregationStrategy {

    public static final String INSTANCE = "connectorInstance";

    private final Sink sink;
    private final long maxBytes;
    private final int maxRecords;

    public BatchAggregationStrategy(Sink sink, long maxBytes, int maxRecords) {
        this.sink = sink;
        this.maxBytes = maxBytes;
        this.maxRecords = maxRecords;
    }

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        OutboundEvent event = newExchange.getMessage().getBody(OutboundEvent.class);
        if (oldExchange == null) {
            Batch batch = Batch.of(newExchange.getProperty(INSTANCE, String.class), sink);
            batch.add(event);
            newExchange.getMessage().setBody(batch);
            return newExchange;
        }
        oldExchange.getMessage().getBody(Batch.class).add(event);
        return oldExchange;
    }

    @Override
    public boolean canPreComplete() {
        return true;
    }

    @Override
    public boolean preComplete(Exchange oldExchange, Exchange newExchange) {
        if (oldExchange == null) {
            return false;
        }
        Batch batch = oldExchange.getMessage().getBody(Batch.class);
        OutboundEvent event = newExchange.getMessage().getBody(OutboundEvent.class);
        return batch.size() >= maxRecords || batch.bytesWith(event) > maxBytes;
    }
}
