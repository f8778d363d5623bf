package io.github.harbordt.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.pipeline.CycleResult;
import io.github.harbordt.support.ConnectorHarness;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeGrail;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.LogCapture;
import io.github.harbordt.support.Peers;
import io.github.harbordt.support.Registries;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.github.harbordt.support.Registries.digest;
import static io.github.harbordt.support.Registries.success;
import static io.github.harbordt.support.Registries.vuln;
import static org.assertj.core.api.Assertions.assertThat;

/** runtime.source=dynatrace: OneAgent's container group instances from the Grail query API as the runtime inventory. */
class DynatraceRuntimeSourceTest {

    private static final String PLATFORM_TOKEN = "dt0s16.SECRETPLATFORMTOKEN";

    @RegisterExtension
    final Peers peers = new Peers();

    @TempDir
    Path data;
    private FakeDynatrace dynatrace;
    private FakeHarbor harbor;
    private FakeGrail grail;
    private ConnectorHarness connector;

    @BeforeEach
    void peers() throws Exception {
        dynatrace = peers.dynatrace();
        grail = peers.closeAfter(new FakeGrail(PLATFORM_TOKEN));
        SimulatedRegistry r = Registries.empty("v2.14.0-a1b2c3d4");
        r.project("shop", false);
        Instant now = Instant.now();
        for (int i = 1; i <= 3; i++) {
            r.push("shop/app-" + i, digest(i), "IMAGE", List.of("1." + i), success(now.minusSeconds(60), List.of(
                    vuln("CVE-2024-000" + i, "lib" + i, "1.0", "1.1", "Critical", 9.8))));
        }
        harbor = peers.harbor(r);
    }

    private static Map<String, Object> row(String digest, String status, String cluster, String namespace, String workload,
                                           String stage) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("digest", digest);
        m.put("status", status);
        m.put("cluster", cluster);
        m.put("namespace", namespace);
        m.put("workload_name", workload);
        m.put("stage", stage);
        return m;
    }

    private void start() throws Exception {
        start(Map.of("runtime.oneagent.dynatrace-token", PLATFORM_TOKEN));
    }

    private void start(Map<String, String> credentials) throws Exception {
        Map<String, String> p = new HashMap<>(credentials);
        p.put("runtime.clusters", "oneagent");
        p.put("runtime.oneagent.source", "dynatrace");
        p.put("runtime.oneagent.dynatrace-url", grail.url());
        p.put("runtime.namespace-stages", "prod-*=production,staging-*=staging");
        connector = peers.connector(data, harbor.url(), dynatrace.url(), p);
    }

    private Map<String, JsonNode> scans() {
        return dynatrace.events("VULNERABILITY_SCAN").stream()
                .collect(Collectors.toMap(e -> e.get("container_image.digest").asText(), e -> e));
    }

    @Test
    void containersOneAgentReportsGiveTheEventsTheirRuntimeContextAfterPolling() throws Exception {
        grail.records(List.of(
                row(digest(1), "running", "eu-1", "prod-shop", "api", "production"),
                // no stage from Dynatrace: the namespace rules decide
                row(digest(2), "running", "eu-1", "staging-shop", "worker", null),
                row(digest(3), "terminated", "eu-1", "prod-shop", "old", "production")));
        grail.pollsBeforeResult(2);
        try (LogCapture logs = new LogCapture()) {
            start();
            assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
            assertThat(logs.text()).contains("funnel=3>3>2>1>1 ").doesNotContain(PLATFORM_TOKEN);
        }
        assertThat(grail.requests()).startsWith("POST query:execute", "GET query:poll", "GET query:poll");
        assertThat(grail.lastQuery().get("query").asText()).startsWith("fetch dt.entity.container_group_instance");

        Map<String, JsonNode> scans = scans();
        JsonNode api = scans.get(digest(1));
        assertThat(api.get("runtime.status").asText()).isEqualTo("RUNNING");
        assertThat(api.get("k8s.cluster.name").get(0).asText()).isEqualTo("eu-1");
        assertThat(api.get("k8s.namespace.name").get(0).asText()).isEqualTo("prod-shop");
        assertThat(api.get("k8s.workload.name").get(0).asText()).isEqualTo("api");
        assertThat(api.get("deployment.release_stage").get(0).asText()).isEqualTo("production");
        assertThat(scans.get(digest(2)).get("deployment.release_stage").get(0).asText()).isEqualTo("staging");
        assertThat(scans.get(digest(3)).get("runtime.status").asText()).as("terminated only").isEqualTo("NOT_RUNNING");
    }

    @Test
    void aTokenWithoutThePermissionLeavesEveryImageUnknownAndSaysWhatToGrant() throws Exception {
        grail.withoutEntitiesScope();
        try (LogCapture logs = new LogCapture()) {
            start();
            assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
            assertThat(logs.text()).contains("runtime.oneagent: Dynatrace answered 403").contains("storage:entities:read")
                    .doesNotContain(PLATFORM_TOKEN);
        }
        assertThat(scans().values()).allSatisfy(s -> assertThat(s.get("runtime.status").asText()).isEqualTo("UNKNOWN"));
    }

    @Test
    void aRefusedQueryNamesTheSettingThatHoldsIt() throws Exception {
        grail.refuseQueries("PARSE_ERROR: unknown command 'fetchh'");
        try (LogCapture logs = new LogCapture()) {
            start();
            connector.runCycle();
            assertThat(logs.text()).contains("the query was refused (PARSE_ERROR: unknown command 'fetchh')")
                    .contains("runtime.oneagent.dynatrace-query");
        }
    }

    @Test
    void anOAuthClientGetsItsAccessTokenFromTheTokenUrlAndAWrongSecretIsNamedNotShown() throws Exception {
        grail.records(List.of(row(digest(1), "running", "eu-1", "prod-shop", "api", "production")));
        grail.oauthClient("dt0s02.CLIENT", "dt0s02.CLIENT.SECRETPART");
        try (LogCapture logs = new LogCapture()) {
            start(Map.of("runtime.oneagent.dynatrace-oauth-client-id", "dt0s02.CLIENT",
                    "runtime.oneagent.dynatrace-oauth-client-secret", "dt0s02.CLIENT.SECRETPART",
                    "runtime.oneagent.dynatrace-oauth-token-url", grail.tokenUrl()));
            assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
            assertThat(logs.text()).doesNotContain("SECRETPART").doesNotContain(PLATFORM_TOKEN);
        }
        assertThat(grail.tokenRequests()).isEqualTo(1);
        assertThat(scans().get(digest(1)).get("runtime.status").asText()).isEqualTo("RUNNING");
    }

    @Test
    void aRefusedOAuthClientNamesItsSettings() throws Exception {
        grail.oauthClient("dt0s02.CLIENT", "right");
        try (LogCapture logs = new LogCapture()) {
            start(Map.of("runtime.oneagent.dynatrace-oauth-client-id", "dt0s02.CLIENT",
                    "runtime.oneagent.dynatrace-oauth-client-secret", "wrong-SECRETPART",
                    "runtime.oneagent.dynatrace-oauth-token-url", grail.tokenUrl()));
            connector.runCycle();
            assertThat(logs.text()).contains("the OAuth token URL answered 400 (invalid_client)")
                    .contains("runtime.oneagent.dynatrace-oauth-client-id and -client-secret").doesNotContain("SECRETPART");
        }
        assertThat(scans().values()).allSatisfy(s -> assertThat(s.get("runtime.status").asText()).isEqualTo("UNKNOWN"));
    }
}
