package io.github.harbordt.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.KubernetesListBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.harbordt.app.DropInRoutes;
import io.github.harbordt.app.Mode;
import io.github.harbordt.app.OneShot;
import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.pipeline.CycleResult;
import io.github.harbordt.state.SightingStore;
import io.github.harbordt.support.ConnectorHarness;
import io.github.harbordt.support.FakeChannel;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.FakeJira;
import io.github.harbordt.support.LogCapture;
import io.github.harbordt.support.MutableClock;
import io.github.harbordt.support.Peers;
import io.github.harbordt.support.Registries;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.github.harbordt.runtime.Pods.namespace;
import static io.github.harbordt.runtime.Pods.pod;
import static io.github.harbordt.runtime.Pods.running;
import static io.github.harbordt.support.Registries.digest;
import static io.github.harbordt.support.Registries.success;
import static io.github.harbordt.support.Registries.vuln;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * New critical vulnerabilities in production, driven across days with a controllable clock: what counts as new,
 * retention and re-appearance, one notification per group and channel, and channels that fail.
 */
class NotificationTest {

    @RegisterExtension
    final Peers peers = new Peers();

    private static final String HOST = "harbor.example.com";
    private final ObjectMapper json = new ObjectMapper();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-02T06:00:00Z"));

    @TempDir
    Path data;
    private FakeDynatrace dynatrace;
    private FakeChannel webhook;
    private FakeChannel slack;
    private SimulatedRegistry registry;
    private FakeHarbor harbor;
    private ConnectorHarness connector;

    @BeforeEach
    void peers() throws Exception {
        dynatrace = peers.dynatrace();
        webhook = peers.closeAfter(new FakeChannel(""));
        slack = peers.closeAfter(new FakeChannel("ok"));
        registry = Registries.empty("v2.13.1-a1b2c3d4");
        registry.project("shop", false);
        harbor = peers.harbor(registry);
        // api runs in production, worker in staging; old runs nowhere
        Files.writeString(data.resolve("pods.json"), Serialization.asJson(new KubernetesListBuilder().withItems(
                namespace("prod-shop", Map.of()), namespace("staging-shop", Map.of()),
                pod("prod-shop", "api-1", "api", Map.of(), HOST + "/shop/api:1.0",
                        running("api", HOST + "/shop/api:1.0", "docker-pullable://" + HOST + "/shop/api@" + digest(1))),
                pod("staging-shop", "worker-1", "worker", Map.of(), HOST + "/shop/worker:1.0",
                        running("worker", HOST + "/shop/worker:1.0", HOST + "/shop/worker@" + digest(2)))).build()));
    }

    private SimulatedRegistry.Artifact api() {
        return registry.push("shop/api", digest(1), "IMAGE", List.of("1.0"), success(Instant.now().minusSeconds(30), List.of(
                vuln("CVE-2024-3094", "xz-utils", "5.6.0", "5.6.1", "Critical", 10.0),
                vuln("CVE-2023-4911", "libc6", "2.36", "2.36-9", "High", 7.8))));
    }

    private void pushWorkerAndOld() {
        registry.push("shop/worker", digest(2), "IMAGE", List.of("2.0"), success(Instant.now().minusSeconds(30), List.of(
                vuln("CVE-2021-44228", "log4j-core", "2.14.1", "2.15.0", "Critical", 10.0))));
        registry.push("shop/old", digest(3), "IMAGE", List.of("0.9"), success(Instant.now().minusSeconds(30), List.of(
                vuln("CVE-2022-22965", "spring-beans", "5.3.17", "5.3.18", "Critical", 9.8))));
    }

    private void start(Map<String, String> overrides) throws Exception {
        Map<String, String> p = new HashMap<>();
        p.put("runtime.clusters", "shop-cluster");
        p.put("runtime.shop-cluster.pods-file", data.resolve("pods.json").toString());
        p.put("runtime.namespace-stages", "prod-*=production,staging-*=staging");
        p.put("notifications.channels", "webhook,slack,local");
        p.put("notifications.webhook.url", webhook.url("/hooks/security"));
        p.put("notifications.webhook.auth-header", "Bearer hook-secret");
        p.put("notifications.slack.url", slack.url("/services/T000/B000/XXXX"));
        p.put("notifications.retries", "1");
        p.put("notifications.retry-delay", "20ms");
        p.put("dynatrace.dry-run-dir", data.resolve("out").toString());
        p.putAll(overrides);
        connector = peers.connector(data, harbor.url(), dynatrace.url(), p, clock);
    }

    private void decide() {
        connector.template().requestBody(NotificationRoutes.RUN, (Object) null);
    }

    private CycleResult crawl() {
        return connector.runCycle();
    }

    private SightingStore store() {
        return connector.connector().notifications().store();
    }

    @Test
    void theFunnelsLastStepCountsCriticalFindingsInProductionFirstSeenWithinTheWindowWithOrWithoutNotifications() throws Exception {
        SimulatedRegistry.Artifact api = api();
        pushWorkerAndOld();
        start(Map.of("notifications.enabled", "false"));
        try (LogCapture logs = new LogCapture()) {
            assertThat(crawl()).isEqualTo(CycleResult.DELIVERED);
            // 3 critical: api (production, new), worker (staging), old (not running)
            assertThat(logs.text()).contains("funnel=4>3>2>1>1 ");
        }
        // a day and more later the rescanned image still has it: in production, no longer new
        clock.advance(Duration.ofHours(25));
        registry.rescan(api, Instant.now(), 2, api.scan().vulnerabilities());
        try (LogCapture logs = new LogCapture()) {
            assertThat(crawl()).isEqualTo(CycleResult.DELIVERED);
            assertThat(logs.text()).contains("funnel=2>1>1>1>0 ");
        }
        assertThat(webhook.accepted()).isEmpty();
    }

    @Test
    void aVulnerabilityTheNewestScanNoLongerReportsIsResolvedAndNotAnnounced() throws Exception {
        SimulatedRegistry.Artifact api = api();
        start(Map.of());
        assertThat(crawl()).isEqualTo(CycleResult.DELIVERED);
        // xz fixed: the rescan reports only the High one
        registry.rescan(api, Instant.now(), 1, () -> List.of(vuln("CVE-2023-4911", "libc6", "2.36", "2.36-9", "High", 7.8)));
        try (LogCapture logs = new LogCapture()) {
            assertThat(crawl()).isEqualTo(CycleResult.DELIVERED);
            assertThat(logs.text()).contains("funnel=1>0>0>0>0 resolved_groups=1");
        }
        assertThat(store().resolvedCount()).isEqualTo(1);

        decide();
        assertThat(webhook.accepted()).as("resolved before the decision: nothing to announce").isEmpty();

        // it comes back (a rollback of the image): current again
        registry.rescan(api, Instant.now(), 1, () -> List.of(vuln("CVE-2024-3094", "xz-utils", "5.6.0", "5.6.1", "Critical", 10.0)));
        assertThat(crawl()).isEqualTo(CycleResult.DELIVERED);
        assertThat(store().resolvedCount()).isZero();
    }

    @Test
    void aRescanOfOneDigestInAnotherRepositoryDoesNotResolveThisRepositorysGroup() throws Exception {
        api();
        // the same image replicated into a second repository
        SimulatedRegistry.Artifact mirror = registry.push("shop/api-mirror", digest(1), "IMAGE", List.of("1.0"),
                success(Instant.now().minusSeconds(30), List.of(vuln("CVE-2024-3094", "xz-utils", "5.6.0", "5.6.1", "Critical", 10.0))));
        start(Map.of());
        assertThat(crawl()).isEqualTo(CycleResult.DELIVERED);
        // the mirror's copy is rescanned with a newer database that no longer reports xz
        registry.rescan(mirror, Instant.now(), 0, List::of);
        try (LogCapture logs = new LogCapture()) {
            assertThat(crawl()).isEqualTo(CycleResult.DELIVERED);
            assertThat(logs.text()).contains("resolved_groups=1");
        }
        decide();
        assertThat(webhook.accepted()).as("shop/api still has it: its group is notified").singleElement()
                .satisfies(n -> assertThat(n.body()).contains("\"container_image.repository\":\"shop/api\""));
    }

    @Test
    void withNotificationsResolvedAnAnnouncedGroupTheNewestScanNoLongerReportsIsAnnouncedResolvedOncePerChannel() throws Exception {
        SimulatedRegistry.Artifact api = api();
        try (FakeJira jira = new FakeJira()) {
            start(Map.of("notifications.resolved", "true", "notifications.channels", "webhook,slack,jira",
                    "notifications.jira.url", jira.url(), "notifications.jira.project", "SEC",
                    "notifications.jira.token", "jira-pat"));
            assertThat(crawl()).isEqualTo(CycleResult.DELIVERED);
            decide();
            assertThat(webhook.accepted()).hasSize(1);
            assertThat(jira.issues()).hasSize(1);
            String issue = jira.issues().get(0).path("key").asText();

            // xz fixed: the rescan reports only the High one
            registry.rescan(api, Instant.now(), 1, () -> List.of(vuln("CVE-2023-4911", "libc6", "2.36", "2.36-9", "High", 7.8)));
            assertThat(crawl()).isEqualTo(CycleResult.DELIVERED);
            decide();

            assertThat(webhook.accepted()).hasSize(2);
            JsonNode n = json.readTree(webhook.accepted().get(1).body());
            assertThat(n.get("notification.type").asText()).isEqualTo("RESOLVED_CRITICAL_VULNERABILITY");
            assertThat(n.get("summary").asText()).isEqualTo("CRITICAL vulnerability CVE-2024-3094 in shop/api (xz-utils 5.6.0) "
                    + "is resolved: the newest scan of every image it was seen in no longer reports it");
            assertThat(n.get("resolved_at").asText()).isNotEmpty();
            assertThat(n.get("affected_images_count").asInt()).isZero();
            assertThat(json.readTree(slack.accepted().get(1).body()).get("blocks").get(0).get("text").get("text").asText())
                    .isEqualTo(":white_check_mark: Resolved: CRITICAL vulnerability in production");
            assertThat(jira.issues()).as("a comment on its issue, not a second issue").hasSize(1);
            assertThat(jira.comments(issue)).hasSize(1);
            assertThat(jira.comments(issue).get(0).get("body").asText()).startsWith("CRITICAL vulnerability CVE-2024-3094 in "
                    + "shop/api (xz-utils 5.6.0) is resolved");

            // back, and gone again: announced once per channel, not at every flap
            registry.rescan(api, Instant.now(), 1, () -> List.of(vuln("CVE-2024-3094", "xz-utils", "5.6.0", "5.6.1", "Critical", 10.0)));
            assertThat(crawl()).isEqualTo(CycleResult.DELIVERED);
            registry.rescan(api, Instant.now(), 1, () -> List.of(vuln("CVE-2023-4911", "libc6", "2.36", "2.36-9", "High", 7.8)));
            assertThat(crawl()).isEqualTo(CycleResult.DELIVERED);
            decide();
            assertThat(webhook.accepted()).hasSize(2);
            assertThat(slack.accepted()).hasSize(2);
            assertThat(jira.comments(issue)).hasSize(1);
        }
    }

    @Test
    void aNewCriticalGroupInProductionGetsOneNotificationPerChannelWithItsImagesAndWhereTheyRun() throws Exception {
        api();
        pushWorkerAndOld();
        start(Map.of());
        assertThat(crawl()).isEqualTo(CycleResult.DELIVERED);

        decide();

        assertThat(webhook.accepted()).hasSize(1);
        FakeChannel.Received hook = webhook.accepted().get(0);
        assertThat(hook.path()).isEqualTo("/hooks/security");
        assertThat(hook.authorization()).isEqualTo("Bearer hook-secret");
        assertThat(hook.contentType()).startsWith("application/json");
        JsonNode n = json.readTree(hook.body());
        assertThat(n.get("summary").asText()).isEqualTo("CRITICAL vulnerability CVE-2024-3094 was detected in shop/api (xz-utils 5.6.0)");
        assertThat(n.get("vulnerability.id").asText()).isEqualTo("CVE-2024-3094");
        assertThat(n.get("container_image.registry").asText()).isEqualTo(harbor.url().replace("http://", ""));
        assertThat(n.get("container_image.repository").asText()).isEqualTo("shop/api");
        assertThat(n.get("component.name").asText()).isEqualTo("xz-utils");
        assertThat(n.get("vulnerability.remediation.fix_versions").get(0).asText()).isEqualTo("5.6.1");
        assertThat(n.get("first_seen").asText()).isEqualTo("2026-11-02T06:00:00Z");
        assertThat(n.get("affected_images_count").asInt()).isEqualTo(1);
        assertThat(n.get("k8s.cluster.name").toString()).isEqualTo("[\"shop-cluster\"]");
        assertThat(n.get("k8s.namespace.name").toString()).isEqualTo("[\"prod-shop\"]");
        assertThat(n.get("k8s.workload").toString()).isEqualTo("[\"Deployment/api\"]");
        assertThat(n.get("deployment.release_stage").toString()).isEqualTo("[\"production\"]");
        JsonNode image = n.get("images").get(0);
        assertThat(image.get("container_image.digest").asText()).isEqualTo(digest(1));
        assertThat(image.get("container_image.tags").toString()).isEqualTo("[\"1.0\"]");
        assertThat(image.get("runtime.status").asText()).isEqualTo("RUNNING");

        assertThat(slack.accepted()).hasSize(1);
        JsonNode s = json.readTree(slack.accepted().get(0).body());
        assertThat(s.get("text").asText()).isEqualTo(n.get("summary").asText());
        assertThat(s.get("blocks").get(0).get("text").get("text").asText()).contains("New CRITICAL vulnerability in production");
        assertThat(s.get("blocks").get(2).toString()).contains("*Fix*\\n5.6.1").contains("*Workloads*\\nDeployment/api");
        assertThat(Files.readAllLines(data.resolve("out").resolve("notifications-" + java.time.LocalDate.now(java.time.ZoneOffset.UTC) + ".jsonl")))
                .hasSize(1).allSatisfy(line -> assertThat(line).contains("CVE-2024-3094"));

        // never twice: a second run, and a second crawl of a rescan, send nothing more
        registry.rescan(registry.artifacts().get(0), Instant.now(), 2, registry.artifacts().get(0).scan().vulnerabilities());
        clock.advance(Duration.ofHours(1));
        assertThat(crawl()).isEqualTo(CycleResult.DELIVERED);
        decide();
        assertThat(webhook.accepted()).hasSize(1);
        assertThat(slack.accepted()).hasSize(1);
        assertThat(store().notifications(SightingStore.State.SENT)).hasSize(3);
    }

    @Test
    void onlyGroupsFirstSeenInTheLast24HoursAreNewAndFlappingDoesNotNotifyAgain() throws Exception {
        SimulatedRegistry.Artifact api = api();
        start(Map.of());
        assertThat(crawl()).isEqualTo(CycleResult.DELIVERED);

        // two days later, still there: seen for two days, so not new (as a 7-day query would find it before today)
        clock.advance(Duration.ofDays(2));
        assertThat(crawl()).isEqualTo(CycleResult.DELIVERED);
        decide();
        assertThat(webhook.accepted()).isEmpty();

        // gone for five days, then back: first seen 7 days ago within the retention, still not new
        registry.delete(api);
        clock.advance(Duration.ofDays(5));
        crawl();
        api = api();
        crawl();
        decide();
        assertThat(webhook.accepted()).isEmpty();
        assertThat(store().unnotifiedSince(Instant.EPOCH)).singleElement()
                .satisfies(g -> assertThat(g.firstSeen()).isEqualTo(Instant.parse("2026-11-02T06:00:00Z")));
    }

    @Test
    void aGroupGoneLongerThanTheRetentionIsForgottenAndNewAgainWhenItComesBack() throws Exception {
        SimulatedRegistry.Artifact api = api();
        start(Map.of());
        crawl();
        decide();
        assertThat(webhook.accepted()).hasSize(1);

        // deleted; a month passes without a sighting
        registry.delete(api);
        clock.advance(Duration.ofDays(31));
        crawl();
        decide();
        assertThat(store().notifications(SightingStore.State.SENT)).as("forgotten with the group").isEmpty();

        api();
        crawl();
        decide();
        assertThat(webhook.accepted()).hasSize(2);
        assertThat(json.readTree(webhook.accepted().get(1).body()).get("first_seen").asText()).isEqualTo("2026-12-03T06:00:00Z");
    }

    @Test
    void aFailingChannelIsRetriedLaterNeverMarkedSentEarlyAndDoesNotHoldUpTheOthers() throws Exception {
        api();
        start(Map.of("notifications.max-attempts", "3"));
        crawl();
        webhook.fail(500, 2); // the first attempt and its one retry
        decide();

        assertThat(webhook.answers()).containsExactly(500, 500);
        assertThat(slack.accepted()).hasSize(1);
        String group = store().notifications(SightingStore.State.PENDING).get(0).groupKey();
        assertThat(store().notification(group, "webhook", SightingStore.Kind.NEW)).hasValueSatisfying(n -> {
            assertThat(n.state()).isEqualTo(SightingStore.State.PENDING);
            assertThat(n.attempts()).isEqualTo(1);
            assertThat(n.lastError()).contains("500");
        });
        assertThat(store().notification(group, "slack", SightingStore.Kind.NEW)).hasValueSatisfying(n -> assertThat(n.state()).isEqualTo(SightingStore.State.SENT));

        decide();
        assertThat(webhook.accepted()).hasSize(1);
        assertThat(store().notification(group, "webhook", SightingStore.Kind.NEW)).hasValueSatisfying(n -> assertThat(n.state()).isEqualTo(SightingStore.State.SENT));
        assertThat(slack.accepted()).hasSize(1);
    }

    @Test
    void theDropInChannelExampleFromTheReadmeDeliversAndCountsAsAChannel() throws Exception {
        api();
        start(Map.of("notifications.channels", "ntfy"));
        try (FakeChannel ntfy = new FakeChannel("{\"id\":\"x\"}")) {
            connector.context().getPropertiesComponent().addInitialProperty("notifications.ntfy.url", ntfy.url("/security"));
            DropInRoutes.load(connector.context(), Path.of("routes", "examples"));
            crawl();
            ntfy.fail(502, 1);
            decide();

            assertThat(ntfy.answers()).containsExactly(502, 200);
            assertThat(ntfy.accepted()).singleElement().satisfies(r -> {
                assertThat(r.path()).isEqualTo("/security");
                assertThat(r.body()).isEqualTo("CRITICAL vulnerability CVE-2024-3094 was detected in shop/api (xz-utils 5.6.0)");
            });
            assertThat(store().notifications(SightingStore.State.SENT)).singleElement()
                    .satisfies(n -> assertThat(n.channel()).isEqualTo("ntfy"));
        }
    }

    @Test
    void teamsJiraAndADynatraceEventGetTheirPayloadsAndALostJiraAnswerOpensNoSecondIssue() throws Exception {
        api();
        try (FakeChannel teams = new FakeChannel(""); FakeJira jira = new FakeJira()) {
            start(Map.of("notifications.channels", "teams,jira,dynatrace", "notifications.teams.url", teams.url("/workflows/abc"),
                    "notifications.jira.url", jira.url(), "notifications.jira.project", "SEC",
                    "notifications.jira.user", "bot@example.com", "notifications.jira.token", "jira-api-token",
                    "notifications.dynatrace-ui-url", "https://abc12345.apps.dynatrace.com"));
            crawl();
            jira.loseNextCreateAnswer();
            decide();

            JsonNode card = json.readTree(teams.accepted().get(0).body());
            assertThat(card.get("type").asText()).isEqualTo("message");
            JsonNode attachment = card.get("attachments").get(0);
            assertThat(attachment.get("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
            assertThat(attachment.get("content").get("type").asText()).isEqualTo("AdaptiveCard");
            assertThat(attachment.get("content").get("body").get(1).get("text").asText())
                    .isEqualTo("CRITICAL vulnerability CVE-2024-3094 was detected in shop/api (xz-utils 5.6.0)");
            assertThat(attachment.get("content").get("body").get(2).get("facts").toString())
                    .contains("{\"title\":\"Fix\",\"value\":\"5.6.1\"}").contains("{\"title\":\"Namespaces\",\"value\":\"prod-shop\"}");

            assertThat(attachment.get("content").get("actions").get(0).get("url").asText())
                    .startsWith("https://abc12345.apps.dynatrace.com/ui/intent/dynatrace.notebooks/view-query#");

            // created once: the retry after the lost answer finds the issue by its label
            assertThat(jira.issues()).hasSize(1);
            JsonNode fields = jira.issues().get(0).get("fields");
            assertThat(fields.get("project").get("key").asText()).isEqualTo("SEC");
            assertThat(fields.get("issuetype").get("name").asText()).isEqualTo("Bug");
            assertThat(fields.get("summary").asText()).isEqualTo("CRITICAL vulnerability CVE-2024-3094 was detected in shop/api (xz-utils 5.6.0)");
            assertThat(fields.get("labels").toString()).startsWith("[\"security\",\"harbor\",\"harbor-dt-");
            assertThat(fields.get("description").asText()).contains("*Fix:* 5.6.1").contains("|" + digest(1) + "|1.0|RUNNING|")
                    .contains("[Open the findings in Dynatrace|https://abc12345.apps.dynatrace.com/ui/intent/");
            assertThat(jira.authorizations()).allMatch(a -> a.equals("Basic " + java.util.Base64.getEncoder()
                    .encodeToString("bot@example.com:jira-api-token".getBytes())));

            JsonNode event = dynatrace.ingestedEvents().get(0);
            assertThat(event.get("eventType").asText()).isEqualTo("CUSTOM_INFO");
            assertThat(event.get("title").asText()).startsWith("CRITICAL vulnerability CVE-2024-3094");
            assertThat(event.get("properties").get("k8s.workload").asText()).isEqualTo("Deployment/api");
            assertThat(event.get("properties").get("container_image.digest").asText()).isEqualTo(digest(1));
            assertThat(store().notifications(SightingStore.State.SENT)).hasSize(3);

            // a later run: nothing new, and Jira's issue stays the only one
            decide();
            assertThat(jira.issues()).hasSize(1);
            assertThat(teams.accepted()).hasSize(1);
            assertThat(dynatrace.ingestedEvents()).hasSize(1);
        }
    }

    @Test
    void aChannelThatKeepsFailingIsGivenUpAfterMaxAttempts() throws Exception {
        api();
        start(Map.of("notifications.max-attempts", "2", "notifications.channels", "webhook"));
        crawl();
        webhook.fail(503, 100);
        decide();
        decide();
        decide();

        assertThat(webhook.answers()).hasSize(4).containsOnly(503);
        assertThat(store().notifications(SightingStore.State.DEAD)).singleElement()
                .satisfies(n -> assertThat(n.attempts()).isEqualTo(2));
        // listed with the dead letters, where an operator looks
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        new OneShot(Mode.DEAD_LETTERS, connector.connector(), new PrintStream(printed, true)).listDeadLetters();
        assertThat(printed.toString()).contains("notifications given up").contains("webhook").contains("503");
    }

    @Test
    void aTokenWithoutTheMetricsScopeStillGetsSightingsAndNotificationsAfterEachCycle() throws Exception {
        api();
        dynatrace.scopes("openpipeline.events_security");
        start(Map.of("notifications.after-each-cycle", "true", "notifications.channels", "webhook"));

        assertThat(crawl()).isEqualTo(CycleResult.DELIVERED);
        await().atMost(Duration.ofSeconds(10)).until(() -> webhook.accepted().size() == 1);
        assertThat(webhook.accepted().get(0).body()).contains("CVE-2024-3094");
        assertThat(dynatrace.metricLines()).isEmpty();
    }
}
