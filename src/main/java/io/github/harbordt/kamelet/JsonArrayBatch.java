package io.github.harbordt.kamelet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;

import java.io.ByteArrayOutputStream;
import java.util.Collection;
import java.util.Map;

/**
 * Gathers the Kamelet sinks' events into the JSON array an ingest request carries. An event that arrives as JSON text
 * (bytes, a string or a stream, what the sources' {@code marshal} step sends) is copied as it is; a map, a list or a
 * Jackson tree is written with Jackson.
 */
public class JsonArrayBatch implements AggregationStrategy {

    private final ObjectMapper json = new ObjectMapper();

    @Override
    public Exchange aggregate(Exchange batch, Exchange event) {
        byte[] item;
        try {
            item = bytes(event);
        } catch (InvalidPayloadException e) {
            throw new IllegalArgumentException("event body is not JSON text: " + e.getMessage(), e);
        }
        if (batch == null) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write('[');
            out.writeBytes(item);
            event.getMessage().setBody(out);
            return event;
        }
        ByteArrayOutputStream out = batch.getMessage().getBody(ByteArrayOutputStream.class);
        out.write(',');
        out.writeBytes(item);
        return batch;
    }

    @Override
    public void onCompletion(Exchange batch) {
        ByteArrayOutputStream out = batch.getMessage().getBody(ByteArrayOutputStream.class);
        out.write(']');
        batch.getMessage().setBody(out.toByteArray());
    }

    private byte[] bytes(Exchange event) throws InvalidPayloadException {
        Object body = event.getMessage().getBody();
        if (!(body instanceof Map<?, ?> || body instanceof JsonNode || body instanceof Collection<?>)) {
            // JSON text in whatever form the step before left it: bytes, a string, a stream
            return event.getMessage().getMandatoryBody(byte[].class);
        }
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event body cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
