package io.github.harbordt.dynatrace;

import io.github.harbordt.exchange.ExchangeNames;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Merges chunks of events (each a small {@link Batch}) into batches bounded by bytes and by count. The bound is
 * checked before a chunk joins ({@link #preComplete}), so no request exceeds it unless a single event does; the time
 * bound is the aggregator's completion timeout. The batch lives in the body (not in properties) so any aggregation
 * repository keeps it.
 */
public class BatchAggregationStrategy implements AggregationStrategy {

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
        Batch chunk = newExchange.getMessage().getBody(Batch.class);
        if (oldExchange == null) {
            Batch batch = Batch.of(newExchange.getProperty(ExchangeNames.INSTANCE, String.class), sink);
            batch.addAll(chunk);
            newExchange.getMessage().setBody(batch);
            return newExchange;
        }
        oldExchange.getMessage().getBody(Batch.class).addAll(chunk);
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
        Batch chunk = newExchange.getMessage().getBody(Batch.class);
        return batch.size() + chunk.size() > maxRecords || batch.bytesWith(chunk) > maxBytes;
    }
}
