package io.github.harbordt.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.harbor.HarborVersion;
import io.github.harbordt.mapping.AuditStream;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.KubernetesListBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.harbordt.runtime.Pods;
import io.github.harbordt.support.FakeChannel;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.HarborWebhooks;
import io.github.harbordt.support.LocalPostgres;
import io.github.harbordt.support.Registries;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Replicas of the packaged jar, each in its own process and working directory, on the local PostgreSQL with the
 * shipped defaults ({@code cluster.mode=auto}): the README's "Scaling out" as a user follows it. Under {@code CI=true}
 * an unreachable PostgreSQL fails these tests; elsewhere they are skipped with the command that starts it.
 */
class ScaleOutIT {

    private static final String VERSION = "v2.14.1-a1b2c3d4";
    private static final Pattern CYCLE = Pattern.compile(
            "^(\\S+ \\S+) .*Harbor '(\\w+)' cycle .*seconds=([0-9.]+)");
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final int BATCH_RECORDS = 40;
    /** dynatrace.delivery-threads (2) and the crawl thread that delivers itself when both are busy. */
    private static final int IN_FLIGHT_BATCHES = 3;

    @RegisterExtension
    final LocalPostgres postgres = new LocalPostgres();

    @TempDir
    Path work;

    @Test
    void threeReplicasShareFourInstancesEachCycleOnOneReplicaAtATimeEverythingDeliveredAndNotifiedOnce() throws Exception {
        Map<String, SimulatedRegistry> registries = new LinkedHashMap<>();
        List<FakeHarbor> harbors = new ArrayList<>();
        List<PackagedJar> replicas = new ArrayList<>();
        try (FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.REPLICAS"); FakeChannel channel = new FakeChannel("ok")) {
            // app-1 and app-2 of every instance run in production: their critical finding is a group to notify, 8 in all
            String pods = Serialization.asJson(new KubernetesListBuilder().withItems(List.of(
                    Pods.namespace("prod-shop", Map.of()),
                    Pods.pod("prod-shop", "app-1", "app-1", Map.of(), "registry/app-1:1",
                            Pods.running("app", "registry/app-1:1", "registry/app-1@" + Registries.digest(1))),
                    Pods.pod("prod-shop", "app-2", "app-2", Map.of(), "registry/app-2:1",
                            Pods.running("app", "registry/app-2:1", "registry/app-2@" + Registries.digest(2))))).build());
            StringBuilder config = new StringBuilder("harbor.instances = a,b,c,d\nharbor.interval = 2s\n"
                    + "runtime.prod.pods-file = pods.json\nnotifications.after-each-cycle = true\n");
            for (String id : List.of("a", "b", "c", "d")) {
                SimulatedRegistry r = registry(id, 6, 3);
                for (int n = 0; n < 3; n++) {
                    r.audit(AuditStream.EXTS, "robot$ci", "pull", "artifact", id + "/app-" + n, "pull artifact", true, Instant.now());
                }
                FakeHarbor harbor = new FakeHarbor(r);
                registries.put(id, r);
                harbors.add(harbor);
                config.append(instance(id, harbor));
            }
            for (int i = 1; i <= 3; i++) {
                Path dir = replicaDir("replica-" + i, config.toString());
                Files.writeString(dir.resolve("pods.json"), pods);
                Map<String, String> env = environment(dynatrace);
                env.put("RUNTIME_CLUSTERS", "prod");
                env.put("NOTIFICATION_CHANNELS", "webhook");
                env.put("NOTIFICATION_WEBHOOK_URL", channel.url("/hook"));
                replicas.add(PackagedJar.start(dir, env));
            }
            await().atMost(Duration.ofSeconds(120)).until(() -> cycles(replicas).size() >= 12);
            // new scans while the replicas take turns
            for (SimulatedRegistry r : registries.values()) {
                r.rescan(r.artifacts().get(0), Instant.now(), 4, () -> Registries.vulns(4));
                r.rescan(r.artifacts().get(1), Instant.now(), 4, () -> Registries.vulns(4));
            }
            int before = cycles(replicas).size();
            await().atMost(Duration.ofSeconds(120)).until(() -> cycles(replicas).size() >= before + 16
                    && dynatrace.events("VULNERABILITY_SCAN").size() >= 4 * 8 && channel.accepted().size() >= 8);
            for (PackagedJar replica : replicas) {
                assertThat(replica.terminate(Duration.ofSeconds(60))).as(replica.output()).isZero();
            }

            List<Cycle> cycles = cycles(replicas);
            Map<String, Map<Integer, Integer>> distribution = new TreeMap<>();
            for (Cycle c : cycles) {
                distribution.computeIfAbsent(c.instance, k -> new TreeMap<>()).merge(c.replica, 1, Integer::sum);
            }
            System.out.println("scale-out: cycles per instance and replica " + distribution);
            for (Cycle c : cycles) {
                for (Cycle other : cycles) {
                    if (c.instance.equals(other.instance) && c.replica != other.replica) {
                        assertThat(c.end.isBefore(other.start) || other.end.isBefore(c.start))
                                .as("instance %s ran on replicas %d and %d at once: %s and %s", c.instance, c.replica,
                                        other.replica, c, other).isTrue();
                    }
                }
            }
            assertThat(cycles.stream().map(c -> c.replica).distinct().count())
                    .as("the schedules spread over the replicas: " + distribution).isGreaterThanOrEqualTo(2);

            Set<String> expected = new HashSet<>();
            registries.forEach((id, r) -> expected.addAll(groundTruth(r)));
            List<String> arrived = arrived(dynatrace);
            assertThat(new HashSet<>(arrived)).containsAll(expected);
            assertThat(arrived).as("no scan or finding delivered twice").doesNotHaveDuplicates();
            List<String> audit = dynatrace.logRecords().stream().map(JsonNode::toString).toList();
            assertThat(dynatrace.logRecords()).as("every audit row once").hasSize(4 * 3);
            assertThat(audit).doesNotHaveDuplicates();
            List<String> notified = new ArrayList<>();
            for (FakeChannel.Received n : channel.accepted()) {
                notified.add(new ObjectMapper().readTree(n.body()).path("notification.id").asText());
            }
            assertThat(notified).as("one message per group across the replicas").hasSize(8).doesNotHaveDuplicates();
        } finally {
            replicas.forEach(PackagedJar::close);
            harbors.forEach(FakeHarbor::close);
        }
    }

    @Test
    void whenTheActiveReplicaIsKilledTheOtherTakesOverAndNothingIsLost() throws Exception {
        SimulatedRegistry r = registry("a", 60, 5);
        List<PackagedJar> replicas = new ArrayList<>();
        try (FakeHarbor harbor = new FakeHarbor(r); FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.FAILOVER")) {
            // slow reports, so that the kill finds the cycle in the middle of the crawl
            harbor.slow("/additions", Duration.ofMillis(250));
            String config = "harbor.instances = a\nharbor.interval = 5s\nharbor.audit.enabled = false\n"
                    + "dynatrace.batch.max-records = " + BATCH_RECORDS + "\n" + instance("a", harbor);
            for (int i = 1; i <= 2; i++) {
                replicas.add(PackagedJar.start(replicaDir("replica-" + i, config), environment(dynatrace)));
            }
            await().atMost(Duration.ofSeconds(90)).until(() -> harbor.requestLog().stream()
                    .filter(l -> l.contains("/additions")).count() >= 15);
            String active = executing();
            long pid = Long.parseLong(active.replaceFirst("^.*-(\\d+)-[0-9a-z]+$", "$1"));
            PackagedJar killed = replicas.stream().filter(p -> p.pid() == pid).findFirst().orElseThrow(() ->
                    new AssertionError("no replica has pid " + pid + " (Quartz names " + active + ")"));
            PackagedJar survivor = replicas.stream().filter(p -> p != killed).findFirst().orElseThrow();
            int deliveredBeforeKill = dynatrace.events().size();
            Instant killedAt = Instant.now();
            killed.kill();

            try {
                await().atMost(Duration.ofSeconds(5 + 30 + 60)).until(() -> arrived(dynatrace).containsAll(groundTruth(r))
                        && !cycleLines(survivor, killedAt).isEmpty());
            } catch (ConditionTimeoutException e) {
                Set<String> missing = new HashSet<>(groundTruth(r));
                missing.removeAll(arrived(dynatrace));
                throw new AssertionError(missing.size() + " events missing after the kill; the survivor printed:\n"
                        + survivor.output(), e);
            }
            Cycle takeover = cycleLines(survivor, killedAt).get(0);
            double takeoverSeconds = Duration.between(killedAt, takeover.start.atZone(ZoneId.systemDefault())
                    .toInstant()).toMillis() / 1000.0;
            List<String> arrived = arrived(dynatrace);
            int duplicates = arrived.size() - new HashSet<>(arrived).size();
            System.out.printf("failover: killed replica after %d events; survivor's first cycle of 'a' began %.1f s after "
                    + "the kill; %d events re-sent (bound %d)%n", deliveredBeforeKill, takeoverSeconds, duplicates,
                    IN_FLIGHT_BATCHES * BATCH_RECORDS);
            assertThat(takeoverSeconds).as("takeover within one interval (5 s) plus 30 s").isLessThanOrEqualTo(35);
            assertThat(duplicates).as("re-sent at most what was in flight").isLessThanOrEqualTo(IN_FLIGHT_BATCHES * BATCH_RECORDS);
        } finally {
            replicas.forEach(PackagedJar::close);
        }
    }

    @Test
    void oneScansWebhookSentToTwoReplicasAtOnceIsDeliveredOnce() throws Exception {
        HarborVersion version = HarborVersion.parse(VERSION).orElseThrow();
        SimulatedRegistry r = registry("a", 2, 2);
        List<PackagedJar> replicas = new ArrayList<>();
        String secret = "a-long-random-webhook-secret";
        try (FakeHarbor harbor = new FakeHarbor(r); FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.WEBHOOKS")) {
            String config = "harbor.instances = a\nharbor.interval = 1h\nharbor.audit.enabled = false\n" + instance("a", harbor);
            List<Integer> ports = List.of(freePort(), freePort());
            for (int i = 0; i < 2; i++) {
                Map<String, String> env = environment(dynatrace);
                env.put("WEBHOOK_ENABLED", "true");
                env.put("WEBHOOK_PORT", String.valueOf(ports.get(i)));
                env.put("HARBOR_WEBHOOK_SECRET", secret);
                replicas.add(PackagedJar.start(replicaDir("replica-" + i, config), env));
            }
            await().atMost(Duration.ofSeconds(90)).until(() -> dynatrace.events("VULNERABILITY_SCAN").size() == 2
                    && ports.stream().allMatch(ScaleOutIT::listening));

            SimulatedRegistry.Artifact fresh = r.push("a/app-fresh", Registries.digest(99), "IMAGE", List.of("1"),
                    Registries.success(Instant.now(), Registries.vulns(5)));
            String payload = HarborWebhooks.scanAllEvent(version, fresh);
            CyclicBarrier together = new CyclicBarrier(2);
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int port : ports) {
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        together.await();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return new HarborWebhooks("http://127.0.0.1:" + port + "/harbor/webhook/a")
                            .post(payload, "Bearer " + secret, HarborWebhooks.formatOf(version));
                }));
            }
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(202);
            }
            // both replicas handled the webhook: one sent the scan, the other found it on its way or delivered
            await().atMost(Duration.ofSeconds(60)).until(() -> replicas.stream()
                    .allMatch(p -> !p.lines("Harbor 'a' webhook").isEmpty()));
            List<JsonNode> scans = dynatrace.events("VULNERABILITY_SCAN").stream()
                    .filter(e -> e.path("container_image.digest").asText().equals(fresh.digest())).toList();
            assertThat(scans).as(replicas.get(0).lines("Harbor 'a' webhook") + "\n" + replicas.get(1).lines("Harbor 'a' webhook"))
                    .hasSize(1);
            assertThat(dynatrace.events("VULNERABILITY_FINDING").stream()
                    .filter(e -> e.path("container_image.digest").asText().equals(fresh.digest()))).hasSize(5);
        } finally {
            replicas.forEach(PackagedJar::close);
        }
    }

    private static SimulatedRegistry registry(String id, int artifacts, int vulns) {
        SimulatedRegistry r = Registries.empty(VERSION);
        r.project(id, false);
        for (int i = 1; i <= artifacts; i++) {
            r.push(id + "/app-" + i, Registries.digest(i), "IMAGE", List.of("1"),
                    Registries.success(Instant.now().minusSeconds(600), Registries.vulns(vulns)));
        }
        return r;
    }

    private static String instance(String id, FakeHarbor harbor) {
        return "harbor." + id + ".url = " + harbor.url() + "\nharbor." + id + ".username = " + harbor.registry().robotName()
                + "\nharbor." + id + ".password = " + harbor.registry().robotSecret() + "\n";
    }

    private Path replicaDir(String name, String config) throws Exception {
        Path dir = work.resolve(name);
        Files.createDirectories(dir.resolve("config"));
        Files.writeString(dir.resolve("config/application.properties"), config);
        return dir;
    }

    /** What the README's "Scaling out" tells a user to set on every replica. */
    private Map<String, String> environment(FakeDynatrace dynatrace) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("STATE_JDBC_URL", postgres.url());
        env.put("STATE_USERNAME", postgres.user());
        env.put("DT_URL", dynatrace.url());
        env.put("DT_TOKEN", dynatrace.token());
        // several replicas on one host: one management port each would do too
        env.put("MANAGEMENT_ENABLED", "false");
        return env;
    }

    /** The Quartz scheduler id (the replica id) that is running a scan cycle now. */
    private String executing() throws Exception {
        try (Connection c = postgres.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT instance_name FROM qrtz_fired_triggers WHERE state = 'EXECUTING' "
                     + "AND trigger_name LIKE '%scans%'")) {
            assertThat(rs.next()).as("a scan cycle is running").isTrue();
            return rs.getString(1);
        }
    }

    private static List<String> groundTruth(SimulatedRegistry r) {
        List<String> keys = new ArrayList<>();
        for (SimulatedRegistry.Artifact a : r.artifacts()) {
            keys.add("scan " + a.repository() + " " + a.scan().reportId());
            for (SimulatedRegistry.Vuln v : a.scan().vulnerabilities().get()) {
                keys.add("finding " + a.repository() + " " + a.scan().reportId() + " " + v.id());
            }
        }
        return keys;
    }

    private static List<String> arrived(FakeDynatrace dynatrace) {
        List<String> keys = new ArrayList<>();
        for (JsonNode e : dynatrace.events()) {
            boolean scan = "VULNERABILITY_SCAN".equals(e.path("event.type").asText());
            keys.add((scan ? "scan " : "finding ") + e.path("container_image.repository").asText() + " "
                    + e.path("scan.id").asText() + (scan ? "" : " " + e.path("vulnerability.id").asText()));
        }
        return keys;
    }

    private record Cycle(int replica, String instance, LocalDateTime start, LocalDateTime end) {
    }

    private static List<Cycle> cycles(List<PackagedJar> replicas) {
        List<Cycle> all = new ArrayList<>();
        for (int i = 0; i < replicas.size(); i++) {
            all.addAll(cycleLines(replicas.get(i), i + 1));
        }
        return all;
    }

    private static List<Cycle> cycleLines(PackagedJar replica, int number) {
        List<Cycle> cycles = new ArrayList<>();
        for (String line : replica.lines("' cycle ")) {
            Matcher m = CYCLE.matcher(line);
            if (m.find()) {
                LocalDateTime end = LocalDateTime.parse(m.group(1), LOG_TIME);
                // the line rounds to a tenth of a second
                long millis = (long) (Double.parseDouble(m.group(3)) * 1000) + 100;
                cycles.add(new Cycle(number, m.group(2), end.minusNanos(millis * 1_000_000), end));
            }
        }
        return cycles;
    }

    private static List<Cycle> cycleLines(PackagedJar replica, Instant after) {
        LocalDateTime since = LocalDateTime.ofInstant(after, ZoneId.systemDefault());
        return cycleLines(replica, 0).stream().filter(c -> c.end.isAfter(since)).toList();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return socket.isConnected();
        } catch (IOException e) {
            return false;
        }
    }
}
