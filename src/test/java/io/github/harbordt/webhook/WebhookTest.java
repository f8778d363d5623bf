package io.github.harbordt.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.dynatrace.Sink;
import io.github.harbordt.pipeline.CycleResult;
import io.github.harbordt.support.ConnectorHarness;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.HarborWebhooks.Format;
import io.github.harbordt.support.HarborWebhooks.Quirk;
import io.github.harbordt.support.HarborWebhooks;
import io.github.harbordt.support.LogCapture;
import io.github.harbordt.support.Peers;
import io.github.harbordt.support.Registries;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import static io.github.harbordt.support.Registries.digest;
import static io.github.harbordt.support.Registries.status;
import static io.github.harbordt.support.Registries.success;
import static io.github.harbordt.support.Registries.vulns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Harbor webhooks posted to the running receiver, read back from the simulated Harbor, delivered to the fake Dynatrace. */
class WebhookTest {

    @RegisterExtension
    final Peers peers = new Peers();

    private static final String SECRET = "w3bh00k-s3cr3t";
    private static final String AUTH = "Bearer " + SECRET;

    @TempDir
    Path data;
    private final Instant now = Instant.now();
    private FakeDynatrace dynatrace;
    private FakeHarbor harbor;
    private SimulatedRegistry registry;
    private ConnectorHarness connector;
    private HarborWebhooks webhooks;

    @BeforeEach
    void fakes() throws Exception {
        dynatrace = peers.dynatrace();
        registry = Registries.empty("v2.13.1-a1b2c3d4");
        registry.project("library", false);
        harbor = peers.harbor(registry);
    }

    private void start(Map<String, String> overrides) throws Exception {
        Map<String, String> p = new HashMap<>();
        p.put("webhook.enabled", "true");
        p.put("webhook.host", "127.0.0.1");
        p.put("webhook.port", "0");
        p.put("webhook.max-body-size", "65536");
        p.put("webhook.recheck-delay", "100ms");
        p.put("webhook.max-batch-delay", "200ms");
        p.put("harbor.webhook.secret", SECRET);
        p.putAll(overrides);
        connector = peers.connector(data, harbor.url(), dynatrace.url(), p);
        webhooks = new HarborWebhooks("http://127.0.0.1:" + connector.connector().webhookPort() + "/harbor/webhook/default");
    }

    private SimulatedRegistry.Artifact push(int n, List<String> tags, SimulatedRegistry.Scan scan) {
        return registry.push("library/app-" + n, digest(n), "IMAGE", tags, scan);
    }

    private Map<String, List<JsonNode>> scanEventsByDigest() {
        return dynatrace.events("VULNERABILITY_SCAN").stream()
                .collect(Collectors.groupingBy(e -> e.get("container_image.digest").asText()));
    }

    private long findingsOf(String digest) {
        return dynatrace.events("VULNERABILITY_FINDING").stream()
                .filter(e -> e.get("container_image.digest").asText().equals(digest)).count();
    }

    @Test
    void bothFormatsAndEveryQuirkGiveTheRightEventsOnce() throws Exception {
        SimulatedRegistry.Artifact tagged = push(1, List.of("1.0"), success(now.minusSeconds(5), vulns(3)));
        SimulatedRegistry.Artifact untagged = push(2, null, success(now.minusSeconds(5), vulns(2)));
        SimulatedRegistry.Artifact scanAll = push(3, List.of("2.0"), success(now.minusSeconds(5), vulns(4)));
        SimulatedRegistry.Artifact running = push(4, List.of("3.0"), success(now.minusSeconds(5), vulns(1)));
        SimulatedRegistry.Artifact multiArch = push(5, List.of("4.0"), success(now.minusSeconds(5), vulns(5)));
        SimulatedRegistry.Artifact failed = push(6, List.of("5.0"), status("Error", now.minusSeconds(5)));
        SimulatedRegistry.Artifact stopped = push(7, List.of("6.0"), status("Stopped", now.minusSeconds(5)));
        start(Map.of());

        List<HttpResponse<String>> answers = new ArrayList<>();
        answers.add(webhooks.post(HarborWebhooks.scanEvent("SCANNING_COMPLETED", tagged, Format.DEFAULT), AUTH, Format.DEFAULT));
        answers.add(webhooks.post(HarborWebhooks.scanEvent("SCANNING_COMPLETED", untagged, Format.CLOUD_EVENTS, Quirk.EMPTY_TAG),
                AUTH, Format.CLOUD_EVENTS));
        answers.add(webhooks.post(HarborWebhooks.scanEvent("SCANNING_COMPLETED", scanAll, Format.CLOUD_EVENTS, Quirk.SCAN_ALL),
                SECRET, Format.CLOUD_EVENTS));
        answers.add(webhooks.post(HarborWebhooks.scanEvent("SCANNING_COMPLETED", running, Format.DEFAULT,
                Quirk.RUNNING_IN_COMPLETED), AUTH, Format.DEFAULT));
        // multi-platform: a digest listed twice in one event, and the same event sent again
        String multi = HarborWebhooks.scanEvent("SCANNING_COMPLETED", multiArch, Format.DEFAULT, Quirk.DUPLICATE_RESOURCE);
        answers.add(webhooks.post(multi, AUTH, Format.DEFAULT));
        answers.add(webhooks.post(multi, AUTH, Format.DEFAULT));
        answers.add(webhooks.post(HarborWebhooks.scanEvent("SCANNING_FAILED", failed, Format.CLOUD_EVENTS), AUTH, Format.CLOUD_EVENTS));
        answers.add(webhooks.post(HarborWebhooks.scanEvent("SCANNING_STOPPED", stopped, Format.DEFAULT), AUTH, Format.DEFAULT));
        assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(202);
        assertThat(answers.get(0).body()).isEqualTo("{\"status\":\"accepted\"}");
        assertThat(answers.get(0).headers().firstValue("Authorization")).isEmpty();

        HttpResponse<String> push = webhooks.post(HarborWebhooks.otherEvent("PUSH_ARTIFACT", tagged, Format.CLOUD_EVENTS),
                AUTH, Format.CLOUD_EVENTS);
        assertThat(push.statusCode()).isEqualTo(200);
        assertThat(push.body()).isEqualTo("{\"status\":\"ignored\"}");

        await().atMost(Duration.ofSeconds(20)).until(() -> scanEventsByDigest().size() == 7);
        // nothing more is on its way: every webhook's check ended
        await().atMost(Duration.ofSeconds(20)).until(() -> connector.connector().ledger()
                .unsettled("default", Sink.SECURITY_EVENTS) == 0);

        Map<String, List<JsonNode>> scans = scanEventsByDigest();
        assertThat(scans.values()).allSatisfy(events -> assertThat(events).hasSize(1));
        assertThat(findingsOf(digest(1))).isEqualTo(3);
        assertThat(findingsOf(digest(2))).isEqualTo(2);
        assertThat(findingsOf(digest(3))).isEqualTo(4);
        assertThat(findingsOf(digest(4))).isEqualTo(1);
        assertThat(findingsOf(digest(5))).isEqualTo(5);
        assertThat(findingsOf(digest(6))).isZero();
        assertThat(findingsOf(digest(7))).isZero();
        JsonNode first = scans.get(digest(1)).get(0);
        assertThat(first.get("scan.status").asText()).isEqualTo("Success");
        assertThat(first.get("scan.id").asText()).isEqualTo(tagged.scan().reportId());
        assertThat(first.get("container_image.tags").get(0).asText()).isEqualTo("1.0");
        assertThat(first.get("harbor.project.id").asText()).isEqualTo(String.valueOf(tagged.project().id()));
        assertThat(scans.get(digest(2)).get(0).has("container_image.tags")).isFalse();
        JsonNode error = scans.get(digest(6)).get(0);
        assertThat(error.get("scan.status").asText()).isEqualTo("Error");
        assertThat(error.get("event.description").asText()).endsWith(" failed");
        assertThat(error.has("scan.findings.total")).isFalse();
        assertThat(scans.get(digest(7)).get(0).get("scan.status").asText()).isEqualTo("Stopped");
    }

    @Test
    void refusesWrongSecretsOversizedAndMalformedBodiesAndQueuesNothing() throws Exception {
        SimulatedRegistry.Artifact a = push(1, List.of("1.0"), success(now.minusSeconds(5), vulns(1)));
        start(Map.of());
        String good = HarborWebhooks.scanEvent("SCANNING_COMPLETED", a, Format.DEFAULT);
        String url = webhooks.baseUrl();

        try (LogCapture logs = new LogCapture()) {
            HttpResponse<String> wrong = webhooks.post(good, "Bearer not-the-secret", Format.DEFAULT);
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).isEmpty();
            assertThat(webhooks.post(good, null, Format.DEFAULT).statusCode()).isEqualTo(401);
            assertThat(webhooks.post(good, SECRET + "x", Format.DEFAULT).statusCode()).isEqualTo(401);
            assertThat(webhooks.post(url.replace("/default", "/other"), good, AUTH, "application/json").statusCode())
                    .isEqualTo(404);

            HttpResponse<String> oversized = webhooks.post(url, good + " ".repeat(70_000), AUTH, "application/json");
            assertThat(oversized.statusCode()).isEqualTo(413);
            HttpResponse<String> form = webhooks.post(url, "a=1&b=2", AUTH, "application/x-www-form-urlencoded");
            assertThat(form.statusCode()).isEqualTo(400);
            assertThat(form.body()).contains("Content-Type");
            HttpResponse<String> broken = webhooks.post(url, "{\"type\": \"SCANNING_COMPLETED\", ", AUTH, "application/json");
            assertThat(broken.statusCode()).isEqualTo(400);
            assertThat(broken.body()).contains("not valid JSON");
            HttpResponse<String> notHarbor = webhooks.post(url, "{\"type\":\"SCANNING_COMPLETED\",\"event_data\":{}}", AUTH,
                    "application/json");
            assertThat(notHarbor.statusCode()).isEqualTo(400);
            assertThat(notHarbor.body()).contains("not a Harbor webhook");

            assertThat(logs.text()).contains("webhook refused with 401").contains("HARBOR_WEBHOOK_SECRET (harbor.webhook.secret)")
                    .doesNotContain(SECRET).doesNotContain("not-the-secret");
        }
        // a good one afterwards still goes through: the refusals left nothing behind
        assertThat(webhooks.post(good, AUTH, Format.DEFAULT).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> dynatrace.events("VULNERABILITY_SCAN").size() == 1);
        assertThat(harbor.requestLog()).filteredOn(p -> p.contains("/artifacts/")).hasSize(2);
    }

    @Test
    void aScanHarborStillShowsRunningIsReadAgainUntilItFinished() throws Exception {
        SimulatedRegistry.Artifact a = push(1, List.of("1.0"), status("Running", now));
        start(Map.of());
        assertThat(webhooks.post(HarborWebhooks.scanEvent("SCANNING_COMPLETED", a, Format.DEFAULT), AUTH, Format.DEFAULT)
                .statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(10)).until(() -> harbor.requestLog().stream()
                .filter(p -> p.contains("/artifacts/" + digest(1) + "?")).count() >= 2);
        registry.rescan(a, now, 2, () -> vulns(2));

        await().atMost(Duration.ofSeconds(20)).until(() -> dynatrace.events("VULNERABILITY_SCAN").size() == 1);
        assertThat(findingsOf(digest(1))).isEqualTo(2);
    }

    @Test
    void aBurstOf200WebhooksIsAnsweredInTimeAndDeliveredOnceWhileACrawlRuns() throws Exception {
        List<SimulatedRegistry.Artifact> artifacts = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            artifacts.add(push(i, List.of("v" + i), success(now.minusSeconds(5), vulns(i % 7))));
        }
        start(Map.of());
        ExecutorService senders = Executors.newFixedThreadPool(16);
        try {
            CompletableFuture<CycleResult> crawl = CompletableFuture.supplyAsync(connector::runCycle);
            List<CompletableFuture<Integer>> answers = new ArrayList<>();
            for (SimulatedRegistry.Artifact a : artifacts) {
                Format format = a.digest().hashCode() % 2 == 0 ? Format.DEFAULT : Format.CLOUD_EVENTS;
                // the client gives up after Harbor's 3 s: a late answer fails the test
                answers.add(CompletableFuture.supplyAsync(() -> webhooks.post(
                        HarborWebhooks.scanEvent("SCANNING_COMPLETED", a, format), AUTH, format).statusCode(), senders));
            }
            assertThat(answers.stream().map(CompletableFuture::join).toList()).hasSize(200).containsOnly(202);
            assertThat(crawl.get()).isEqualTo(CycleResult.DELIVERED);
        } finally {
            senders.shutdownNow();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> scanEventsByDigest().size() == 200);
        await().atMost(Duration.ofSeconds(20)).until(() -> connector.connector().ledger()
                .unsettled("default", Sink.SECURITY_EVENTS) == 0);
        assertThat(scanEventsByDigest().values()).allSatisfy(events -> assertThat(events).hasSize(1));
        long expectedFindings = artifacts.stream().mapToLong(a -> a.scan().total()).sum();
        assertThat(dynatrace.events("VULNERABILITY_FINDING")).hasSize((int) expectedFindings);
    }

    @Test
    void theCrawlAfterWebhooksSendsNothingTwiceAndAloneDeliversWhatWebhooksDidNot() throws Exception {
        for (int i = 1; i <= 6; i++) {
            push(i, List.of("1." + i), success(now.minusSeconds(30), vulns(3)));
        }
        start(Map.of());
        for (SimulatedRegistry.Artifact a : registry.artifacts().subList(0, 3)) {
            assertThat(webhooks.post(HarborWebhooks.scanEvent("SCANNING_COMPLETED", a, Format.DEFAULT), AUTH, Format.DEFAULT)
                    .statusCode()).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> scanEventsByDigest().size() == 3);
        await().atMost(Duration.ofSeconds(20)).until(() -> connector.connector().ledger()
                .unsettled("default", Sink.SECURITY_EVENTS) == 0);

        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);

        assertThat(scanEventsByDigest()).hasSize(6).allSatisfy((digest, events) -> assertThat(events).hasSize(1));
        assertThat(dynatrace.events("VULNERABILITY_FINDING")).hasSize(18);
    }

    @Test
    void theCrawlAndAWebhookMeetingTheSameScanSendItOnce() throws Exception {
        SimulatedRegistry.Artifact a = push(1, List.of("1.0"), success(now.minusSeconds(30), vulns(4)));
        start(Map.of());
        // both have chosen the scan and read its report at the same moment: only one may send it
        harbor.gather("/artifacts/" + digest(1) + "/additions/vulnerabilities", 2);
        CompletableFuture<CycleResult> crawl = CompletableFuture.supplyAsync(connector::runCycle);
        assertThat(webhooks.post(HarborWebhooks.scanEvent("SCANNING_COMPLETED", a, Format.DEFAULT), AUTH, Format.DEFAULT)
                .statusCode()).isEqualTo(202);
        assertThat(crawl.get()).isEqualTo(CycleResult.DELIVERED);
        await().atMost(Duration.ofSeconds(20)).until(() -> connector.connector().ledger()
                .unsettled("default", Sink.SECURITY_EVENTS) == 0 && !dynatrace.events("VULNERABILITY_SCAN").isEmpty());

        assertThat(harbor.requestLog()).filteredOn(p -> p.endsWith("/additions/vulnerabilities")).hasSize(2);
        assertThat(dynatrace.events("VULNERABILITY_SCAN")).hasSize(1);
        assertThat(dynatrace.events("VULNERABILITY_FINDING")).hasSize(4);
    }

    @Test
    void webhooksAcceptedButNotCheckedWhenTheProcessDiesAreDeliveredByTheCrawlAfterRestart() throws Exception {
        SimulatedRegistry.Artifact a = push(1, List.of("1.0"), success(now.minusSeconds(30), vulns(2)));
        SimulatedRegistry.Artifact b = push(2, List.of("2.0"), success(now.minusSeconds(30), vulns(3)));
        start(Map.of());
        connector.context().getRouteController().stopRoute("harbor-webhook-scans");
        for (SimulatedRegistry.Artifact x : List.of(a, b)) {
            assertThat(webhooks.post(HarborWebhooks.scanEvent("SCANNING_COMPLETED", x, Format.CLOUD_EVENTS), AUTH,
                    Format.CLOUD_EVENTS).statusCode()).isEqualTo(202);
        }
        connector.kill();
        assertThat(dynatrace.events("VULNERABILITY_SCAN")).isEmpty();

        start(Map.of());
        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);

        assertThat(scanEventsByDigest()).containsOnlyKeys(digest(1), digest(2))
                .allSatisfy((digest, events) -> assertThat(events).hasSize(1));
        assertThat(dynatrace.events("VULNERABILITY_FINDING")).hasSize(5);
    }

    @Test
    void withoutASecretTheReceiverDoesNotStart() {
        Map<String, String> p = new HashMap<>();
        p.put("webhook.enabled", "true");
        p.put("webhook.port", "0");
        assertThatThrownBy(() -> ConnectorHarness.start(data, harbor.url(), dynatrace.url(), p))
                .hasMessageContaining("HARBOR_WEBHOOK_SECRET (harbor.webhook.secret) is empty");
    }
}
