package io.github.harbordt.kamelet;

import io.github.harbordt.dynatrace.DeliveryHaltedException;
import io.github.harbordt.dynatrace.RejectedDeliveryException;
import io.github.harbordt.dynatrace.ResponseDecision;
import io.github.harbordt.dynatrace.RetryableDeliveryException;
import io.github.harbordt.dynatrace.Sink;
import org.apache.camel.Body;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import io.github.harbordt.auth.DynatraceCredentials;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Sends a Kamelet sink's batch to a Dynatrace ingest endpoint over camel-http and judges the answer as the connector
 * does (dynatrace-ingest.md §5). Sending and judging are one step so that the error handler of the route using the
 * Kamelet, which redelivers the step that failed, sends the batch again: a transient answer (429, 408, 5xx) throws
 * {@link RetryableDeliveryException}; a refused token or a wrong URL (401, 403, 404) throws
 * {@link DeliveryHaltedException} naming the Kamelet parameter to fix; any other refusal throws
 * {@link RejectedDeliveryException}, for that route's dead-letter channel.
 */
public class DynatraceIngest implements CamelContextAware {

    private static final int MAX_ANSWER = 2000;

    private CamelContext camelContext;
    private ProducerTemplate producer;
    private Sink sink = Sink.SECURITY_EVENTS;
    private String url;
    private String path;
    private String token;

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /** {@code security.events} or {@code logs}. */
    public void setSink(String sink) {
        this.sink = Sink.byId(sink);
    }

    public void setUrl(String url) {
        this.url = url.replaceAll("/+$", "");
    }

    public void setPath(String path) {
        this.path = path;
    }

    public void setToken(String token) {
        this.token = token;
    }

    /** @param batch a JSON array of events or records */
    public void send(@Body byte[] batch) {
        if (producer == null) {
            producer = camelContext.createProducerTemplate();
        }
        Exchange answer = producer.request(url + path + "?httpMethod=POST&throwExceptionOnFailure=false", e -> {
            // an access token as Api-Token, a platform token as Bearer
            e.getMessage().setHeader("Authorization", DynatraceCredentials.token(token).authorization());
            e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
            e.getMessage().setBody(batch);
        });
        if (answer.getException() != null) {
            throw new RetryableDeliveryException("Dynatrace at " + url + " could not be reached: "
                    + answer.getException().getMessage(), 0, 0);
        }
        int status = answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String what = "Dynatrace answered " + status + " to a batch for " + url + path + ": " + text(answer);
        switch (ResponseDecision.of(sink, status)) {
            case DELIVERED, PARTIAL -> { }
            case RETRY -> throw new RetryableDeliveryException(what, status, 0);
            case HALT -> throw new DeliveryHaltedException(status == 404
                    ? what + ". Check the Kamelet's dynatraceUrl (e.g. https://abc12345.live.dynatrace.com) and path"
                    : what + ". Check the Kamelet's token: it needs scope " + sink.tokenScope(), status);
            case SPLIT, DEAD_LETTER -> throw new RejectedDeliveryException(what, status);
        }
    }

    private static String text(Exchange answer) {
        try (InputStream body = answer.getMessage().getBody(InputStream.class)) {
            return body == null ? "" : new String(body.readNBytes(MAX_ANSWER), StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "";
        }
    }
}
