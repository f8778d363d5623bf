package io.github.harbordt.dynatrace;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.harbordt.app.Mode;
import io.github.harbordt.app.OneShot;
import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.pipeline.CycleResult;
import io.github.harbordt.state.DeadLetter;
import io.github.harbordt.state.StateStore;
import io.github.harbordt.support.ConnectorHarness;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.MutableClock;
import io.github.harbordt.support.Peers;
import io.github.harbordt.support.Registries;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.github.harbordt.support.Registries.digest;
import static io.github.harbordt.support.Registries.success;
import static io.github.harbordt.support.Registries.vulns;
import static org.assertj.core.api.Assertions.assertThat;

/** Delivery to the fake Dynatrace through the real routes: batching, backoff, Retry-After, 413, 400, 401, replay. */
class DeliveryTest {

    @RegisterExtension
    final Peers peers = new Peers();

    @TempDir
    Path data;
    private FakeDynatrace dynatrace;
    private FakeHarbor harbor;
    private ConnectorHarness connector;

    @BeforeEach
    void fakes() throws Exception {
        dynatrace = peers.dynatrace();
        SimulatedRegistry r = Registries.empty("v2.13.1-a1b2c3d4");
        r.project("library", true);
        for (int i = 0; i < 10; i++) {
            r.push("library/app-" + i, digest(i), "IMAGE", List.of("1"), success(Instant.now().minusSeconds(60), vulns(9)));
        }
        harbor = peers.harbor(r);
    }

    private void start(Map<String, String> overrides) throws Exception {
        connector = peers.connector(data, harbor.url(), dynatrace.url(), overrides);
    }

    private Set<String> deliveredEventIds() {
        return dynatrace.events().stream().map(e -> e.get("event.id").asText()).collect(Collectors.toSet());
    }

    @Test
    void batchesAreBoundedByCountAndBytesAndNothingIsLost() throws Exception {
        start(Map.of("dynatrace.batch.max-records", "7", "dynatrace.batch.max-bytes", "12000"));

        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);

        assertThat(dynatrace.events()).hasSize(100);
        assertThat(deliveredEventIds()).hasSize(100);
        assertThat(dynatrace.requests()).allSatisfy(r -> {
            assertThat(r.events().size()).isLessThanOrEqualTo(7);
            assertThat(r.bytes()).isLessThanOrEqualTo(12000);
        });
    }

    @Test
    void honoursRetryAfterOn429() throws Exception {
        start(Map.of("dynatrace.retry.initial-delay", "10ms"));
        dynatrace.respond(429, 1, "1", "{\"error\":{\"code\":429,\"message\":\"Too Many Requests\"}}");

        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);

        assertThat(dynatrace.events()).hasSize(100);
        List<Long> attempts = dynatrace.attemptTimes();
        assertThat(Duration.ofNanos(attempts.get(1) - attempts.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void ridesOutA503BurstWithBackoff() throws Exception {
        start(Map.of());
        dynatrace.respond(503, 3, null, "<html>Service Unavailable</html>");

        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);

        assertThat(deliveredEventIds()).hasSize(100);
        List<Long> attempts = dynatrace.attemptTimes();
        long first = attempts.get(1) - attempts.get(0);
        long third = attempts.get(3) - attempts.get(2);
        assertThat(third).isGreaterThan(first);
        assertThat(connector.connector().deadLetters().list(true)).isEmpty();
    }

    @Test
    void splitsABatchThatGets413UntilEveryPartFits() throws Exception {
        start(Map.of());
        dynatrace.maxBodyBytes(40_000);

        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);

        assertThat(deliveredEventIds()).hasSize(100);
        assertThat(dynatrace.requests()).hasSizeGreaterThan(1).allSatisfy(r -> assertThat(r.bytes()).isLessThanOrEqualTo(40_000));
    }

    @Test
    void a400DeadLettersTheBatchWithDynatracesAnswerAndReplayDeliversIt() throws Exception {
        start(Map.of());
        dynatrace.respond(400, 1, null, "{\"error\":{\"code\":400,\"message\":\"Invalid field dt.security.risk.score\"}}");

        assertThat(connector.runCycle()).isEqualTo(CycleResult.DEAD_LETTERED);
        assertThat(dynatrace.events()).isEmpty();
        assertThat(connector.connector().state().watermark("default", StateStore.SCANS)).isPresent();
        List<DeadLetter> letters = connector.connector().deadLetters().list(false);
        assertThat(letters).singleElement().satisfies(d -> {
            assertThat(d.statusCode()).isEqualTo(400);
            assertThat(d.records()).isEqualTo(100);
            assertThat(d.reason()).contains("Invalid field dt.security.risk.score");
            assertThat(d.replayable()).isTrue();
        });

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OneShot replay = new OneShot(Mode.REPLAY, connector.connector(), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(replay.run(connector.context())).isZero();
        assertThat(dynatrace.events()).hasSize(100);
        assertThat(connector.connector().deadLetters().list(false)).isEmpty();
        assertThat(connector.connector().deadLetters().list(true)).singleElement()
                .satisfies(d -> assertThat(d.replayedAt()).isNotNull());
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("replayed 1, still pending 0");
    }

    @Test
    void aReplayThatFailsAgainKeepsTheDeadLetterPending() throws Exception {
        start(Map.of("dynatrace.retry.max-redeliveries", "2"));
        dynatrace.respond(400, 1, null, "{\"error\":\"bad\"}");

        assertThat(connector.runCycle()).isEqualTo(CycleResult.DEAD_LETTERED);
        assertThat(connector.connector().deadLetters().list(false)).singleElement()
                .satisfies(d -> assertThat(d.statusCode()).isEqualTo(400));

        dynatrace.respond(500, 3, null, "still down");
        OneShot replay = new OneShot(Mode.REPLAY, connector.connector(), new PrintStream(new ByteArrayOutputStream()));
        assertThat(replay.run(connector.context())).isEqualTo(1);
        assertThat(connector.connector().deadLetters().list(false)).singleElement()
                .satisfies(d -> assertThat(d.attempts()).isEqualTo(2));
    }

    @Test
    void aTenMinuteOutageEndsInTheOutboxAndEverythingArrivesWithoutACommandWhenDynatraceIsBack() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        connector = peers.connector(data, harbor.url(), dynatrace.url(), Map.of("dynatrace.retry.max-redeliveries", "2"),
                clock);
        dynatrace.down();

        assertThat(connector.runCycle()).isEqualTo(CycleResult.PENDING);
        assertThat(connector.connector().outbox().entries()).singleElement().satisfies(o -> {
            assertThat(o.records()).isEqualTo(100);
            assertThat(o.lastError()).contains("Connect");
        });
        // ten simulated minutes of outage, the drain looking every minute: it tries only what is due, waiting twice as
        // long after every failure (10 s, 20 s, 40 s, ... up to 5 min)
        for (int minute = 1; minute <= 10; minute++) {
            clock.advance(Duration.ofMinutes(1));
            connector.template().sendBody(DeliveryRoutes.OUTBOX_DRAIN, null);
        }
        assertThat(connector.connector().outbox().entries()).singleElement()
                .satisfies(o -> assertThat(o.attempts()).isBetween(4, 7));
        assertThat(connector.connector().deadLetters().list(true)).isEmpty();

        dynatrace.up();
        clock.advance(Duration.ofMinutes(5));
        connector.template().sendBody(DeliveryRoutes.OUTBOX_DRAIN, null);

        assertThat(connector.connector().outbox().entries()).isEmpty();
        assertThat(connector.connector().deadLetters().list(true)).isEmpty();
        assertThat(dynatrace.events()).hasSize(100);
        assertThat(deliveredEventIds()).hasSize(100);
        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
        assertThat(dynatrace.events()).hasSize(100);
    }

    @Test
    void anEntryOlderThanTheMaximumAgeIsDeadLetteredWithTheReason() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        connector = peers.connector(data, harbor.url(), dynatrace.url(), Map.of("dynatrace.retry.max-redeliveries", "1",
                "dynatrace.outbox.max-age", "1h"), clock);
        dynatrace.down();
        assertThat(connector.runCycle()).isEqualTo(CycleResult.PENDING);

        clock.advance(Duration.ofHours(2));
        connector.template().sendBody(DeliveryRoutes.OUTBOX_DRAIN, null);

        assertThat(connector.connector().outbox().entries()).isEmpty();
        assertThat(connector.connector().deadLetters().list(false)).singleElement().satisfies(d -> {
            assertThat(d.records()).isEqualTo(100);
            assertThat(d.reason()).contains("dynatrace.outbox.max-age");
        });
    }

    @Test
    void batchBytesMatchTheBodyWhenRebuiltOrSplit() {
        Batch rebuilt = Batch.fromJsonArray("a", Sink.SECURITY_EVENTS, "[{\"a\":1},{\"b\":2},{\"c\":3}]", 1,
                new com.fasterxml.jackson.databind.ObjectMapper());
        assertThat((long) rebuilt.toJsonArray().length).isEqualTo(rebuilt.bytes());
        for (Batch half : rebuilt.halves()) {
            assertThat((long) half.toJsonArray().length).isEqualTo(half.bytes());
        }
    }

    @Test
    void a401StopsDeliveryForTheInstanceWithoutDeadLetteringOrMovingTheWatermark() throws Exception {
        start(Map.of("dynatrace.token", "dt0c01.WRONG", "dynatrace.batch.max-records", "5"));

        assertThat(connector.runCycle()).isEqualTo(CycleResult.HALTED);

        // 20 batches; only those already in flight when the first 401 came back were tried (delivery threads + callers)
        int attempts = dynatrace.attemptTimes().size();
        assertThat(attempts).isBetween(1, 6);
        assertThat(connector.connector().deadLetters().list(true)).isEmpty();
        assertThat(connector.connector().state().watermark("default", StateStore.SCANS)).isEmpty();
        assertThat(connector.connector().ledger().haltReason("default", Sink.SECURITY_EVENTS)).get().asString()
                .contains("openpipeline.events_security").contains("DT_TOKEN").doesNotContain("WRONG");
        assertThat(connector.runCycle()).isEqualTo(CycleResult.HALTED);
        assertThat(dynatrace.attemptTimes()).hasSize(attempts);
    }

    @Test
    void eventIdsAreStableForTheSameScan() throws Exception {
        start(Map.of());
        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
        Set<String> first = deliveredEventIds();
        connector.close();

        dynatrace.reset();
        start(Map.of("connector.data-dir", data.resolve("fresh").toString()));
        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
        assertThat(deliveredEventIds()).isEqualTo(first);
        JsonNode any = dynatrace.events().get(0);
        assertThat(any.get("event.id").asText()).matches("[0-9a-f-]{36}");
    }
}
