package io.github.harbordt.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The webhook policy decision without Harbor: create, leave alone, or update naming what differs. */
class PolicyPlanTest {

    private final ObjectMapper json = new ObjectMapper();
    private final PolicyPlan plan = new PolicyPlan("dynatrace-connector", "https://connector:8090/harbor/webhook/default",
            "Bearer s3cr3t", "CloudEvents");

    private JsonNode asHarborLists(Map<String, Object> policy, long id) {
        JsonNode node = json.valueToTree(policy);
        ((ObjectNode) node).put("id", id).put("creator", "admin");
        return node;
    }

    @Test
    void createsWhenNoPolicyHasItsName() {
        JsonNode other = json.valueToTree(Map.of("id", 3, "name", "siem", "enabled", true));
        PolicyPlan.Change change = plan.against(List.of(other));
        assertThat(change).isInstanceOfSatisfying(PolicyPlan.Create.class, c -> {
            assertThat(c.policy()).containsEntry("name", "dynatrace-connector").containsEntry("enabled", true)
                    .containsEntry("event_types", List.of("SCANNING_COMPLETED", "SCANNING_FAILED", "SCANNING_STOPPED"));
            assertThat(c.policy().get("targets")).isEqualTo(List.of(Map.of("type", "http",
                    "address", "https://connector:8090/harbor/webhook/default", "auth_header", "Bearer s3cr3t",
                    "skip_cert_verify", false, "payload_format", "CloudEvents")));
        });
    }

    @Test
    void leavesItsOwnPolicyAloneWhenItIsAsWanted() {
        assertThat(plan.against(List.of(asHarborLists(plan.policy(), 7)))).isInstanceOf(PolicyPlan.Unchanged.class);
    }

    @Test
    void updatesNamingWhatDiffersButNeverTheSecret() {
        PolicyPlan old = new PolicyPlan("dynatrace-connector", "http://old:8090/harbor/webhook/default", "Bearer old", "Default");
        Map<String, Object> disabled = new LinkedHashMap<>(old.policy());
        disabled.put("enabled", false);
        disabled.put("event_types", List.of("SCANNING_COMPLETED"));

        PolicyPlan.Change change = plan.against(List.of(asHarborLists(disabled, 7)));

        assertThat(change).isInstanceOfSatisfying(PolicyPlan.Update.class, u -> {
            assertThat(u.id()).isEqualTo(7);
            assertThat(u.differences()).containsExactly("enabled", "event_types", "address", "auth_header", "payload_format");
            assertThat(u.policy()).isEqualTo(plan.policy());
        });
        assertThat(change.toString()).doesNotContain("s3cr3t");
        assertThat(plan.toString()).doesNotContain("s3cr3t");
    }

    @Test
    void anEmptyPayloadFormatIsHarborsDefault() {
        PolicyPlan defaultFormat = new PolicyPlan("dynatrace-connector", plan.address(), plan.authHeader(), "Default");
        Map<String, Object> stored = defaultFormat.policy();
        @SuppressWarnings("unchecked")
        Map<String, Object> target = new LinkedHashMap<>(((List<Map<String, Object>>) stored.get("targets")).get(0));
        target.put("payload_format", "");
        Map<String, Object> withEmpty = new LinkedHashMap<>(stored);
        withEmpty.put("targets", List.of(target));
        assertThat(defaultFormat.against(List.of(asHarborLists(withEmpty, 1)))).isInstanceOf(PolicyPlan.Unchanged.class);
    }
}
