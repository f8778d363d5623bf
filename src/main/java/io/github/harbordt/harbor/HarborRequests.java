package io.github.harbordt.harbor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.harbordt.config.HarborInstance;
import io.github.harbordt.exchange.Counters;
import io.github.harbordt.exchange.ExchangeNames;
import org.apache.camel.Exchange;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Prepares each Harbor GET and reads its answer. The URL to call is the exchange property {@link ExchangeNames#HARBOR_URL}; the parsed JSON
 * replaces the body, a vulnerability report's as a {@link ReportParser.Report}. Errors name the setting to fix; the robot secret never appears in them.
 */
public class HarborRequests {

    public static final String CRAWL_PERMISSIONS =
            "project:list (system) and repository:list, artifact:list/read, artifact-addition:read (all projects)";

    private final ObjectMapper mapper;

    public HarborRequests(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The instance's own camel-http component: it carries the instance's timeouts. */
    public static String componentName(HarborInstance instance) {
        return "harbor-" + instance.id();
    }

    /** The endpoint all of an instance's calls go through; the exact URL of each call comes from {@code CamelHttpUri}. */
    public static String endpointUri(HarborInstance instance) {
        return endpointUri(instance, "GET");
    }

    private static String endpointUri(HarborInstance instance, String method) {
        return componentName(instance) + "://" + instance.url().replaceFirst("^(?i)https?://", "")
                // read() parses the answer straight off the connection: no copy of each report into a stream cache
                + "?httpMethod=" + method + "&throwExceptionOnFailure=false&disableStreamCache=true";
    }

    /** A POST or PUT of {@link ExchangeNames#WRITE_BODY} as JSON to {@link ExchangeNames#HARBOR_URL}, with the same headers as a read. */
    public void prepareWrite(Exchange exchange) throws IOException {
        prepare(exchange);
        String method = exchange.getProperty(ExchangeNames.WRITE_METHOD, String.class);
        exchange.setProperty(ExchangeNames.WRITE_ENDPOINT, endpointUri(HarborCall.of(exchange).instance(), method));
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(mapper.writeValueAsBytes(exchange.getProperty(ExchangeNames.WRITE_BODY)));
    }

    public void prepare(Exchange exchange) {
        HarborCall cycle = HarborCall.of(exchange);
        HarborInstance instance = cycle.instance();
        var message = exchange.getMessage();
        // leftovers of earlier calls (Link, CamelHttpUri, ...) must not leak into this request; the redelivery
        // headers stay: without their counter, retries would never end
        message.removeHeaders("*", "CamelRedeliver*");
        message.setBody(null);
        exchange.removeProperty(ExchangeNames.WRITE_ENDPOINT);
        message.setHeader(Exchange.HTTP_URI, exchange.getProperty(ExchangeNames.HARBOR_URL, String.class));
        headers(instance.username(), instance.password()).forEach(message::setHeader);
        cycle.requestMade();
    }

    /** The headers of every Harbor request, a fresh request id included. */
    public static Map<String, String> headers(String username, String password) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        headers.put("X-Accept-Vulnerabilities", ReportMimeTypes.ACCEPT_HEADER);
        headers.put("X-Request-Id", UUID.randomUUID().toString());
        // project path segments are names: a project literally called "123" must not be read as id 123
        headers.put("X-Is-Resource-Name", "true");
        if (!username.isEmpty()) {
            String credentials = username + ":" + password;
            headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return headers;
    }

    public void read(Exchange exchange) throws IOException {
        HarborCall cycle = HarborCall.of(exchange);
        var message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        Counters.increment(exchange.getContext(), "harbor.connector.harbor.responses", "Harbor's answers by HTTP status",
                "harbor_instance", cycle.instance().id(), "status", String.valueOf(status));
        String url = exchange.getProperty(ExchangeNames.HARBOR_URL, String.class);
        String path = url.startsWith(cycle.instance().url()) ? url.substring(cycle.instance().url().length()) : url;
        String method = exchange.getProperty(ExchangeNames.WRITE_ENDPOINT) == null ? "GET" : exchange.getProperty(ExchangeNames.WRITE_METHOD, String.class);
        // closed now rather than when the exchange completes: the pages of a listing and the retries of a call share
        // one exchange, and each answer holds a pooled connection until it is closed
        String requestId = message.getHeader("X-Request-Id", "", String.class);
        String where = "Harbor '" + cycle.instance().id() + "' answered " + status + " to GET " + path
                + (requestId.isEmpty() ? "" : " (X-Request-Id " + requestId + ")");
        try (InputStream body = message.getBody(InputStream.class)) {
            if ((status == 200 || status == 201) && url.endsWith(HarborUrls.REPORT)) {
                // the largest answers, read off the connection into the fields the events need
                message.setBody(ReportParser.parse(body == null ? null : body.readAllBytes()));
                return;
            }
            if (status == 200 || status == 201) {
                JsonNode json = body == null ? mapper.nullNode() : mapper.readTree(body);
                message.setBody(json == null ? mapper.nullNode() : json);
                return;
            }
        } catch (JsonProcessingException e) {
            // a cut-off answer (a proxy, a restart) is worth another try; the URL says which answer it was
            throw new HarborRetryableException(where + " with a body that is not JSON: " + e.getOriginalMessage(), status);
        }
        throw failure(status, where, cycle.instance().credentialSettings(),
                exchange.getProperty(ExchangeNames.PERMISSIONS, CRAWL_PERMISSIONS, String.class));
    }

    /**
     * What a Harbor answer other than 200 or 201 means: retryable ({@link HarborRetryableException}), gone
     * ({@link HarborNotFoundException}), or an error whose message names what to fix.
     *
     * @param where       which instance answered what to which call
     * @param credentials the settings holding the robot account
     * @param permissions what a 403 asks the robot to be given
     */
    public static HarborException failure(int status, String where, String credentials, String permissions) {
        return switch (status) {
            case 401 -> new HarborException(where + ": the robot account was not accepted. Check "
                    + credentials + " (a robot's user name starts with robot$).", status);
            case 403 -> new HarborException(where + ": the robot account lacks a permission. Give it " + permissions + ".", status);
            case 404 -> new HarborNotFoundException(where);
            case 422 -> new HarborException(where + ": Harbor rejected the query (harbor.page-size must be at most 100).", status);
            default -> status == 429 || status >= 500
                    ? new HarborRetryableException(where, status)
                    : new HarborException(where, status);
        };
    }
}
