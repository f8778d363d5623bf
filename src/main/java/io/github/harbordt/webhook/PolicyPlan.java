package io.github.harbordt.webhook;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the connector's webhook policy in one Harbor project should look like, and what it takes to get there from
 * the project's current policies: create it, update it, or nothing. The policy is found by its name and is the
 * connector's own: an update replaces it whole. Pure, so the decision is tested without Harbor.
 *
 * @param payloadFormat {@code CloudEvents} where Harbor has it (2.8 and later), else {@code Default}
 */
public record PolicyPlan(String name, String address, String authHeader, String payloadFormat) {

    public static final List<String> EVENT_TYPES = List.of("SCANNING_COMPLETED", "SCANNING_FAILED", "SCANNING_STOPPED");

    public sealed interface Change permits Create, Update, Unchanged {
    }

    /** The policies carry the auth header, the secret: their string forms leave it out. */
    public record Create(Map<String, Object> policy) implements Change {
        @Override
        public String toString() {
            return "Create[" + policy.get("name") + "]";
        }
    }

    /** @param differences the fields that differ, for the log; never the auth header's value */
    public record Update(long id, Map<String, Object> policy, List<String> differences) implements Change {
        @Override
        public String toString() {
            return "Update[" + id + " " + differences + "]";
        }
    }

    public record Unchanged() implements Change {
    }

    /** The change that makes {@code existing} (the project's policies, as Harbor lists them) hold the wanted policy. */
    public Change against(List<JsonNode> existing) {
        for (JsonNode p : existing) {
            if (name.equals(p.path("name").asText())) {
                List<String> differences = differences(p);
                return differences.isEmpty() ? new Unchanged() : new Update(p.path("id").asLong(), policy(), differences);
            }
        }
        return new Create(policy());
    }

    /** The policy as Harbor's API takes it. */
    public Map<String, Object> policy() {
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("type", "http");
        target.put("address", address);
        target.put("auth_header", authHeader);
        target.put("skip_cert_verify", false);
        target.put("payload_format", payloadFormat);
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("name", name);
        policy.put("description", "Scan results to Dynatrace, through the Harbor-Dynatrace connector (maintained by it)");
        policy.put("enabled", true);
        policy.put("event_types", EVENT_TYPES);
        policy.put("targets", List.of(target));
        return policy;
    }

    private List<String> differences(JsonNode p) {
        List<String> out = new ArrayList<>();
        if (!p.path("enabled").asBoolean(false)) {
            out.add("enabled");
        }
        Set<String> events = new LinkedHashSet<>();
        p.path("event_types").forEach(e -> events.add(e.asText()));
        if (!events.equals(Set.copyOf(EVENT_TYPES))) {
            out.add("event_types");
        }
        JsonNode targets = p.path("targets");
        JsonNode t = targets.path(0);
        if (targets.size() != 1 || !"http".equals(t.path("type").asText())) {
            out.add("targets");
            return out;
        }
        if (!address.equals(t.path("address").asText())) {
            out.add("address");
        }
        if (!Objects.equals(authHeader, t.path("auth_header").asText(null))) {
            out.add("auth_header");
        }
        if (t.path("skip_cert_verify").asBoolean(false)) {
            out.add("skip_cert_verify");
        }
        String format = t.path("payload_format").asText("");
        if (!payloadFormat.equals(format.isEmpty() ? "Default" : format)) {
            out.add("payload_format");
        }
        return out;
    }

    @Override
    public String toString() {
        // the auth header carries the secret
        return "PolicyPlan[" + name + " -> " + address + ", " + payloadFormat + "]";
    }
}
