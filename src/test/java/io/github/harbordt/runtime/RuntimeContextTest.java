package io.github.harbordt.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.NamespaceListBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.pipeline.CycleResult;
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

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.github.harbordt.runtime.Pods.digest;
import static io.github.harbordt.runtime.Pods.namespace;
import static io.github.harbordt.runtime.Pods.pod;
import static io.github.harbordt.runtime.Pods.running;
import static io.github.harbordt.runtime.Pods.terminated;
import static io.github.harbordt.support.Registries.success;
import static io.github.harbordt.support.Registries.vuln;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The crawl with a cluster inventory from fabric8's Kubernetes mock server (real HTTP, paged pod lists): every event's
 * runtime context, the funnel, the source filter, and what happens when the cluster cannot be listed.
 */
class RuntimeContextTest {

    @RegisterExtension
    final Peers peers = new Peers();

    private static final String HOST = "harbor.example.com";

    @TempDir
    Path data;
    private final Instant now = Instant.now();
    private KubernetesMockServer kubernetes;
    private FakeDynatrace dynatrace;
    private FakeHarbor harbor;
    private ConnectorHarness connector;

    @BeforeEach
    void peers() throws Exception {
        kubernetes = new KubernetesMockServer(false);
        kubernetes.init();
        dynatrace = peers.dynatrace();
        SimulatedRegistry registry = Registries.empty("v2.13.1-a1b2c3d4");
        registry.project("payments", false);
        registry.project("team", false);
        push(registry, "payments/api", 1, "Critical", "Critical", "High");
        push(registry, "payments/worker", 2, "Critical", "Low");
        push(registry, "team/batch", 3, "Critical", "Critical");
        push(registry, "team/web", 4, "Critical");
        push(registry, "team/tagonly", 5, "Critical");
        SimulatedRegistry.Artifact index = push(registry, "team/multi", 10, "Critical");
        registry.children(index, List.of(digest(11), digest(12)));
        harbor = peers.harbor(registry);
    }

    private static SimulatedRegistry.Artifact push(SimulatedRegistry r, String repository, int n, String... severities) {
        List<SimulatedRegistry.Vuln> vulns = new ArrayList<>();
        for (int i = 0; i < severities.length; i++) {
            vulns.add(vuln("CVE-2025-" + (n * 100 + i), "pkg-" + i, "1.0", null, severities[i], 9.0));
        }
        return r.push(repository, digest(n), "IMAGE", List.of("1.0"), success(Instant.now().minusSeconds(60), vulns));
    }

    /** Pods of every runtime's shape, served in pages of three. */
    private void cluster() {
        List<Pod> pods = List.of(
                pod("prod-payments", "api-1", "api", Map.of(), HOST + "/payments/api:1.0",
                        running("api", HOST + "/payments/api:1.0", "docker-pullable://" + HOST + "/payments/api@" + digest(1))),
                pod("prod-payments", "api-2", "api", Map.of(), HOST + "/payments/api:1.0",
                        running("api", HOST + "/payments/api:1.0", HOST + "/payments/api@" + digest(1))),
                // a proxy-cache project in front of Harbor, containerd
                pod("staging-payments", "worker-1", "worker", Map.of(), "cache.example.com/proxy/payments/worker:1.0",
                        running("worker", "cache.example.com/proxy/payments/worker:1.0", "cache.example.com/proxy/payments/worker@" + digest(2))),
                pod("prod-team", "batch-1", "batch", Map.of(), HOST + "/team/batch:1.0",
                        terminated("batch", HOST + "/team/batch:1.0", "docker-pullable://" + HOST + "/team/batch@" + digest(3))),
                // CRI-O: its own image id, the pod pinned by digest; stage from the namespace label
                pod("shop", "web-1", "web", Map.of(), HOST + "/team/web@" + digest(4),
                        running("web", HOST + "/team/web@" + digest(4), digest(44))),
                // pulled by tag, only a local image id: unknown, not "not running"
                pod("dev-team", "tagonly-1", null, Map.of(), HOST + "/team/tagonly:1.0",
                        running("t", HOST + "/team/tagonly:1.0", "docker://" + digest(55))),
                // the index Harbor scanned, the pod reports its amd64 manifest
                pod("prod-team", "multi-1", "multi", Map.of(), HOST + "/team/multi:1.0",
                        running("m", HOST + "/team/multi:1.0", HOST + "/team/multi@" + digest(11))));
        kubernetes.expect().get().withPath("/api/v1/pods?limit=3")
                .andReturn(200, new PodListBuilder().withNewMetadata().withContinue("p2").endMetadata().withItems(pods.subList(0, 3)).build()).always();
        kubernetes.expect().get().withPath("/api/v1/pods?continue=p2&limit=3")
                .andReturn(200, new PodListBuilder().withNewMetadata().withContinue("p3").endMetadata().withItems(pods.subList(3, 6)).build()).always();
        kubernetes.expect().get().withPath("/api/v1/pods?continue=p3&limit=3")
                .andReturn(200, new PodListBuilder().withNewMetadata().endMetadata().withItems(pods.subList(6, 7)).build()).always();
        kubernetes.expect().get().withPath("/api/v1/namespaces")
                .andReturn(200, new NamespaceListBuilder().withItems(namespace("prod-payments", Map.of()),
                        namespace("staging-payments", Map.of()), namespace("prod-team", Map.of()),
                        namespace("shop", Map.of("environment", "production")), namespace("dev-team", Map.of())).build()).always();
    }

    private Path kubeconfig(String server) throws Exception {
        Path file = data.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: %s
                contexts:
                - name: prod-ctx
                  context:
                    cluster: mock
                    user: reader
                current-context: other
                users:
                - name: reader
                  user:
                    token: kube-token-not-logged
                """.formatted(server));
        return file;
    }

    private void start(String server, Map<String, String> overrides) throws Exception {
        Map<String, String> p = new HashMap<>();
        p.put("runtime.clusters", "prod-eu");
        p.put("runtime.prod-eu.kubeconfig", kubeconfig(server).toString());
        p.put("runtime.prod-eu.context", "prod-ctx");
        p.put("runtime.prod-eu.page-size", "3");
        p.put("runtime.prod-eu.request-timeout", "3s");
        p.put("runtime.stage-label", "environment");
        p.put("runtime.namespace-stages", "prod-*=production,staging-*=staging");
        p.put("runtime.default-stage", "development");
        p.putAll(overrides);
        connector = peers.connector(data, harbor.url(), dynatrace.url(), p);
    }

    private Map<String, JsonNode> scanEvents() {
        return dynatrace.events("VULNERABILITY_SCAN").stream()
                .collect(Collectors.toMap(e -> e.get("container_image.digest").asText(), e -> e));
    }

    private static List<String> strings(JsonNode event, String field) {
        List<String> out = new ArrayList<>();
        event.path(field).forEach(v -> out.add(v.asText()));
        return out;
    }

    @Test
    void everyEventSaysWhereItsImageRunsAndTheFunnelCountsExactly() throws Exception {
        cluster();
        try (LogCapture logs = new LogCapture()) {
            start(kubernetes.url("/"), Map.of());
            assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
            // the four critical findings in production are all new: nothing was seen before
            assertThat(logs.text()).contains("funnel=10>8>5>4>4 ")
                    .contains("pods=7 running_containers=6 image_digests=4 unresolved_tags=1")
                    .doesNotContain("kube-token-not-logged");
        }
        Map<String, JsonNode> scans = scanEvents();
        assertThat(scans).hasSize(6);

        JsonNode api = scans.get(digest(1));
        assertThat(api.get("runtime.status").asText()).isEqualTo("RUNNING");
        assertThat(api.get("runtime.containers.running").asInt()).isEqualTo(2);
        assertThat(strings(api, "k8s.cluster.name")).containsExactly("prod-eu");
        assertThat(strings(api, "k8s.namespace.name")).containsExactly("prod-payments");
        assertThat(strings(api, "k8s.workload.kind")).containsExactly("Deployment");
        assertThat(strings(api, "k8s.workload.name")).containsExactly("api");
        assertThat(strings(api, "deployment.release_stage")).containsExactly("production");

        JsonNode worker = scans.get(digest(2));
        assertThat(worker.get("runtime.status").asText()).isEqualTo("RUNNING");
        assertThat(strings(worker, "deployment.release_stage")).containsExactly("staging");
        assertThat(scans.get(digest(3)).get("runtime.status").asText()).as("terminated only").isEqualTo("NOT_RUNNING");
        assertThat(scans.get(digest(3)).has("k8s.namespace.name")).isFalse();
        assertThat(strings(scans.get(digest(4)), "deployment.release_stage")).as("CRI-O, namespace label").containsExactly("production");
        assertThat(scans.get(digest(5)).get("runtime.status").asText()).as("tag only").isEqualTo("UNKNOWN");
        JsonNode multi = scans.get(digest(10));
        assertThat(multi.get("runtime.status").asText()).as("index scanned, manifest running").isEqualTo("RUNNING");
        assertThat(strings(multi, "k8s.namespace.name")).containsExactly("prod-team");

        // findings carry the same context as their scan
        assertThat(dynatrace.events("VULNERABILITY_FINDING")).hasSize(10).allSatisfy(f -> assertThat(f.get("runtime.status").asText())
                .isEqualTo(scans.get(f.get("container_image.digest").asText()).get("runtime.status").asText()));
        assertThat(kubernetes.getRequestCount()).isGreaterThanOrEqualTo(4);
        // the funnel, charted over time in Dynatrace
        await().atMost(Duration.ofSeconds(10)).until(() -> dynatrace.metricLines().size() == 5);
        assertThat(dynatrace.metricLines()).containsExactly(
                "harbor.connector.findings.funnel,harbor.instance=default,step=all gauge,10",
                "harbor.connector.findings.funnel,harbor.instance=default,step=critical gauge,8",
                "harbor.connector.findings.funnel,harbor.instance=default,step=running gauge,5",
                "harbor.connector.findings.funnel,harbor.instance=default,step=production gauge,4",
                "harbor.connector.findings.funnel,harbor.instance=default,step=new gauge,4");
    }

    @Test
    void productionOnlySendsFindingsOfImagesInProductionAndThoseNobodyCanPlace() throws Exception {
        cluster();
        try (LogCapture logs = new LogCapture()) {
            start(kubernetes.url("/"), Map.of("harbor.send-findings", "production"));
            assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
            assertThat(logs.text()).contains("findings=6 below_min_severity=0 filtered_by_runtime=4");
        }
        assertThat(scanEvents()).hasSize(6);
        assertThat(dynatrace.events("VULNERABILITY_FINDING")).extracting(f -> f.get("container_image.digest").asText())
                .containsOnly(digest(1), digest(4), digest(5), digest(10)).hasSize(6);
    }

    @Test
    void rbacThatForbidsListingPodsIsNamedAndFindingsFlowAsUnknown() throws Exception {
        kubernetes.expect().get().withPath("/api/v1/namespaces")
                .andReturn(200, new NamespaceListBuilder().withItems(namespace("prod-team", Map.of())).build()).always();
        kubernetes.expect().get().withPath("/api/v1/pods?limit=3").andReturn(403, new StatusBuilder().withCode(403)
                .withReason("Forbidden").withMessage("pods is forbidden: User \"system:serviceaccount:sec:connector\" cannot list resource \"pods\"")
                .build()).always();
        try (LogCapture logs = new LogCapture()) {
            start(kubernetes.url("/"), Map.of("harbor.send-findings", "running"));
            assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
            assertThat(logs.text()).contains("cluster 'prod-eu' (" + kubernetes.url("/") + ") forbids listing pods or namespaces: "
                    + "apply config/kubernetes/clusterrole.yaml").contains("funnel=10>8>0>0");
        }
        assertThat(dynatrace.events("VULNERABILITY_FINDING")).hasSize(10)
                .allSatisfy(f -> assertThat(f.get("runtime.status").asText()).isEqualTo("UNKNOWN"));
    }

    @Test
    void anUnreachableClusterIsNamedAndFindingsFlowAsUnknown() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (LogCapture logs = new LogCapture()) {
            start("http://127.0.0.1:" + closed, Map.of());
            assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
            assertThat(logs.text()).contains("cluster 'prod-eu' (http://127.0.0.1:" + closed + "/) is unreachable")
                    .contains("check runtime.prod-eu.kubeconfig and .context");
        }
        assertThat(scanEvents().values()).hasSize(6).allSatisfy(e -> assertThat(e.get("runtime.status").asText()).isEqualTo("UNKNOWN"));
    }
}
