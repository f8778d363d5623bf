package io.github.harbordt.webhook;

import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.support.ConnectorHarness;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.LogCapture;
import io.github.harbordt.support.Peers;
import io.github.harbordt.support.Registries;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The connector maintaining its webhook policy in each monitored project of the simulated Harbor. */
class WebhookPolicyTest {

    @RegisterExtension
    final Peers peers = new Peers();

    @TempDir
    Path data;
    private FakeDynatrace dynatrace;
    private FakeHarbor harbor;
    private SimulatedRegistry registry;
    private ConnectorHarness connector;

    @BeforeEach
    void fakes() throws Exception {
        dynatrace = peers.dynatrace();
        registry = Registries.empty("v2.13.1-a1b2c3d4");
        registry.project("library", false);
        registry.project("team", false);
        registry.project("sandbox", false);
        harbor = peers.harbor(registry);
    }

    private void start(String mode, String secret) throws Exception {
        Map<String, String> p = new HashMap<>();
        p.put("webhook.enabled", "true");
        p.put("webhook.host", "127.0.0.1");
        p.put("webhook.port", "0");
        p.put("webhook.public-url", "https://connector.example.com:8090");
        p.put("harbor.webhook.secret", secret);
        p.put("harbor.webhook.policy", mode);
        p.put("harbor.projects.exclude", "sandbox");
        connector = peers.connector(data, harbor.url(), dynatrace.url(), p);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> target(Map<String, Object> policy) {
        return ((List<Map<String, Object>>) policy.get("targets")).get(0);
    }

    @Test
    void aDryRunPrintsWhatItWouldCreateAndChangesNothing() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            start("dry-run", "s3cr3t");
            await().atMost(Duration.ofSeconds(20)).until(() -> logs.text().contains("would_change=2"));
            assertThat(logs.text())
                    .contains("dry run (nothing written): project library: create policy 'dynatrace-connector' -> "
                            + "https://connector.example.com:8090/harbor/webhook/default")
                    .contains("dry run (nothing written): project team: create policy")
                    .doesNotContain("project sandbox").doesNotContain("s3cr3t");
        }
        assertThat(harbor.webhookPolicies("library")).isEmpty();
        assertThat(harbor.requestLog()).noneMatch(p -> p.contains("sandbox"));
    }

    @Test
    void applyCreatesThePolicyThenUpdatesItWhenTheSecretChangesAndLeavesOthersAlone() throws Exception {
        harbor.addWebhookPolicy("team", Map.of("name", "siem", "enabled", true, "event_types", List.of("PUSH_ARTIFACT"),
                "targets", List.of(Map.of("type", "http", "address", "https://siem.example.com"))));
        start("apply", "first-secret");
        await().atMost(Duration.ofSeconds(20)).until(() -> harbor.webhookPolicies("library").size() == 1
                && harbor.webhookPolicies("team").size() == 2);
        Map<String, Object> created = harbor.webhookPolicies("library").get(0);
        assertThat(created).containsEntry("name", "dynatrace-connector").containsEntry("enabled", true)
                .containsEntry("event_types", List.of("SCANNING_COMPLETED", "SCANNING_FAILED", "SCANNING_STOPPED"));
        assertThat(target(created)).containsEntry("address", "https://connector.example.com:8090/harbor/webhook/default")
                .containsEntry("auth_header", "Bearer first-secret").containsEntry("payload_format", "CloudEvents");
        assertThat(harbor.webhookPolicies("sandbox")).isEmpty();
        connector.close();

        try (LogCapture logs = new LogCapture()) {
            start("apply", "second-secret");
            await().atMost(Duration.ofSeconds(20)).until(() -> logs.text().contains("created=0 updated=2 unchanged=0"));
            assertThat(logs.text()).contains("differs in auth_header").doesNotContain("second-secret");
        }
        assertThat(harbor.webhookPolicies("library")).hasSize(1);
        assertThat(target(harbor.webhookPolicies("library").get(0))).containsEntry("auth_header", "Bearer second-secret");
        assertThat(harbor.webhookPolicies("team")).extracting(p -> p.get("name"))
                .containsExactlyInAnyOrder("siem", "dynatrace-connector");
        assertThat(target(harbor.webhookPolicies("team").stream().filter(p -> p.get("name").equals("siem"))
                .findFirst().orElseThrow())).containsEntry("address", "https://siem.example.com");
    }

    @Test
    void withoutThePermissionItSaysWhichOneAndTheReceiverStillWorks() throws Exception {
        harbor.policyPermission(false);
        try (LogCapture logs = new LogCapture()) {
            start("apply", "s3cr3t");
            await().atMost(Duration.ofSeconds(20)).until(() -> logs.text().contains("webhook policies not maintained"));
            assertThat(logs.text()).contains("answered 403 to GET /api/v2.0/projects/")
                    .contains("notification-policy create, read, list and update");
        }
        assertThat(connector.context().getRouteController().getRouteStatus(WebhookRoutes.RECEIVER_ROUTE).isStarted()).isTrue();
    }

    @Test
    void policiesNeedThePublicUrl() {
        Map<String, String> p = new HashMap<>();
        p.put("webhook.enabled", "true");
        p.put("webhook.port", "0");
        p.put("harbor.webhook.secret", "s3cr3t");
        p.put("harbor.webhook.policy", "apply");
        assertThatThrownBy(() -> ConnectorHarness.start(data, harbor.url(), dynatrace.url(), p))
                .hasMessageContaining("webhook.public-url (WEBHOOK_PUBLIC_URL) is empty");
    }
}
