package io.github.harbordt.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.harbordt.config.HarborInstance;
import io.github.harbordt.exchange.Counters;
import io.github.harbordt.exchange.ExchangeNames;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Map;

/**
 * Checks one incoming webhook call before anything is queued: a configured instance in the path, its secret in the
 * {@code Authorization} header, a JSON body in one of Harbor's payload formats. A refusal carries the status to
 * answer; what a caller learns before its secret matched is nothing but the status.
 */
public class WebhookReceiver {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookReceiver.class);

    private final Map<String, HarborInstance> instances;
    private final ObjectMapper json;

    public WebhookReceiver(Map<String, HarborInstance> instances, ObjectMapper json) {
        this.instances = instances;
        this.json = json;
    }

    /** An answer other than acceptance: the status and, once the caller is authenticated, why. */
    public static final class Refusal extends RuntimeException {
        private final int status;

        Refusal(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** Replaces the body with the {@link WebhookCall}, or throws a {@link Refusal}. */
    public void accept(Exchange exchange) throws IOException {
        Message m = exchange.getMessage();
        String id = m.getHeader(ExchangeNames.INSTANCE, String.class);
        HarborInstance instance = id == null ? null : instances.get(id);
        if (instance == null) {
            throw new Refusal(404, "");
        }
        if (!authorized(instance.webhook().secret(), m.getHeader("Authorization", String.class))) {
            LOG.warn("Harbor '{}': webhook refused with 401: its Authorization header does not match {}. In the Harbor "
                    + "project's webhook, set Auth Header to the secret or to 'Bearer <secret>'.", id,
                    instance.setting("webhook.secret", "HARBOR_WEBHOOK_SECRET"));
            throw new Refusal(401, "");
        }
        String type = m.getHeader(Exchange.CONTENT_TYPE, "", String.class).toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/json") && !type.startsWith("application/cloudevents+json")) {
            throw refused(id, "expected Content-Type application/json or application/cloudevents+json, got '" + type + "'");
        }
        JsonNode body;
        try {
            byte[] bytes = m.getBody(byte[].class);
            body = bytes == null ? null : json.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw refused(id, "the body is not valid JSON: " + e.getOriginalMessage());
        }
        try {
            m.setBody(new WebhookCall(id, HarborWebhook.parse(body)));
        } catch (IllegalArgumentException e) {
            throw refused(id, "not a Harbor webhook: " + e.getMessage());
        }
    }

    /** Whether the webhook's event type is one the connector acts on; others are acknowledged and dropped. */
    public boolean isScanEvent(@Body WebhookCall call) {
        return call.webhook().kind() != HarborWebhook.Kind.OTHER;
    }

    public String instanceId(Exchange exchange) {
        return exchange.getMessage().getBody(WebhookCall.class).instanceId();
    }

    /** The answer Harbor gets; no request header goes back (platform-http would echo them, Authorization included). */
    public static void reply(Exchange exchange, int status, String outcome) {
        respond(exchange, status, "{\"status\":\"" + outcome + "\"}");
    }

    public void refusal(Exchange exchange) throws JsonProcessingException {
        Refusal r = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Refusal.class);
        respond(exchange, r.status(), r.getMessage().isEmpty() ? ""
                : json.writeValueAsString(Map.of("error", r.getMessage())));
    }

    private static void respond(Exchange exchange, int status, String body) {
        // by answer only: the instance in the path is the caller's word until its secret matched
        Counters.increment(exchange.getContext(), "harbor.connector.webhook.calls", "Webhook calls by the status answered",
                "answer", String.valueOf(status));
        Message m = exchange.getMessage();
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        if (!body.isEmpty()) {
            m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        }
        m.setBody(body);
    }

    private static Refusal refused(String instanceId, String reason) {
        LOG.warn("Harbor '{}': webhook refused with 400: {}", instanceId, reason);
        return new Refusal(400, reason);
    }

    /**
     * Compares digests, so the time taken tells neither how much of the secret matched nor how long it is. Harbor sends
     * the policy's auth header verbatim; both the bare secret and {@code Bearer <secret>} are accepted.
     */
    static boolean authorized(String secret, String header) {
        if (secret.isEmpty() || header == null) {
            return false;
        }
        byte[] given = sha256(header);
        return MessageDigest.isEqual(given, sha256(secret)) | MessageDigest.isEqual(given, sha256("Bearer " + secret));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
