package io.github.harbordt.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.support.ConnectorHarness;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.HarborWebhooks;
import io.github.harbordt.support.Registries;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Time from a webhook's arrival to Dynatrace's acceptance of its scan event, through the real receiver and routes, the
 * simulated Harbor and the fake Dynatrace on loopback. Two loads: a steady trickle (one webhook every 50 ms, as
 * scans finish one by one) and a burst (all at once from 16 senders, as after a scan-all). The clock starts when the
 * webhook is sent, so the receiver's answer is included.
 * Run: {@code mvn -B -q -Pbenchmark test -Dtest=WebhookLatencyBenchmark}. Size: -Dbench.webhooks (default 200).
 */
class WebhookLatencyBenchmark {

    private static final String SECRET = "bench-secret";

    @TempDir
    Path data;

    @Test
    void webhookToDynatraceLatency() throws Exception {
        int webhooks = Integer.getInteger("bench.webhooks", 200);
        Configurator.setRootLevel(Level.WARN);
        SimulatedRegistry registry = Registries.empty("v2.13.1-a1b2c3d4");
        registry.project("library", false);
        List<SimulatedRegistry.Artifact> artifacts = new ArrayList<>();
        for (int i = 1; i <= 3 * webhooks; i++) {
            artifacts.add(registry.push("library/app-" + i, Registries.digest(i), "IMAGE", List.of("1." + i),
                    Registries.success(Instant.now(), Registries.vulns(20))));
        }
        try (FakeHarbor harbor = new FakeHarbor(registry); FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.TESTTOKEN")) {
            harbor.logRequests(false);
            ConnectorHarness connector = ConnectorHarness.start(data, harbor.url(), dynatrace.url(), Map.of(
                    "webhook.enabled", "true", "webhook.host", "127.0.0.1", "webhook.port", "0",
                    "harbor.webhook.secret", SECRET, "dynatrace.batch.timeout", "5s"));
            try {
                HarborWebhooks client = new HarborWebhooks("http://127.0.0.1:" + connector.connector().webhookPort()
                        + "/harbor/webhook/default");
                measure("warm-up", client, dynatrace, artifacts.subList(0, webhooks), 1, false);
                measure("steady, one every 50 ms", client, dynatrace, artifacts.subList(webhooks, 2 * webhooks), 1, true);
                measure("burst, 16 senders at once", client, dynatrace, artifacts.subList(2 * webhooks, 3 * webhooks), 16, true);
            } finally {
                connector.close();
            }
        }
    }

    private static void measure(String load, HarborWebhooks client, FakeDynatrace dynatrace,
                                List<SimulatedRegistry.Artifact> artifacts, int senders, boolean print) throws Exception {
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        int before = dynatrace.requests().size();
        ScheduledExecutorService pool = Executors.newScheduledThreadPool(senders);
        CountDownLatch sent = new CountDownLatch(artifacts.size());
        AtomicInteger refused = new AtomicInteger();
        try {
            for (int i = 0; i < artifacts.size(); i++) {
                SimulatedRegistry.Artifact a = artifacts.get(i);
                Runnable send = () -> {
                    String body = HarborWebhooks.scanEvent("SCANNING_COMPLETED", a, HarborWebhooks.Format.CLOUD_EVENTS);
                    sentAt.put(a.digest(), System.nanoTime());
                    if (client.post(body, "Bearer " + SECRET, HarborWebhooks.Format.CLOUD_EVENTS).statusCode() != 202) {
                        refused.incrementAndGet();
                    }
                    sent.countDown();
                };
                // the load generator's schedule: a trickle is spread out, a burst is not
                pool.schedule(send, senders == 1 ? i * 50L : 0, TimeUnit.MILLISECONDS);
            }
            assertThat(sent.await(5, TimeUnit.MINUTES)).isTrue();
        } finally {
            pool.shutdown();
        }
        assertThat(refused.get()).isZero();
        Map<String, Long> acceptedAt = new ConcurrentHashMap<>();
        await().atMost(Duration.ofMinutes(2)).until(() -> {
            List<FakeDynatrace.Request> requests = dynatrace.requests();
            for (FakeDynatrace.Request r : requests.subList(before, requests.size())) {
                for (JsonNode e : r.events()) {
                    if ("VULNERABILITY_SCAN".equals(e.path("event.type").asText())) {
                        acceptedAt.putIfAbsent(e.get("container_image.digest").asText(), r.nanoTime());
                    }
                }
            }
            return acceptedAt.keySet().containsAll(sentAt.keySet());
        });
        if (print) {
            double[] millis = sentAt.entrySet().stream()
                    .mapToDouble(s -> (acceptedAt.get(s.getKey()) - s.getValue()) / 1e6).sorted().toArray();
            System.out.printf("Webhook to Dynatrace acceptance, %s: %d webhooks, median %.0f ms, p95 %.0f ms, max %.0f ms "
                            + "(target p95 < 2000 ms); %d requests to Dynatrace%n", load, millis.length,
                    percentile(millis, 50), percentile(millis, 95), millis[millis.length - 1],
                    dynatrace.requests().size() - before);
        }
    }

    private static double percentile(double[] sorted, int p) {
        return sorted[(int) Math.ceil(p / 100.0 * sorted.length) - 1];
    }
}
