package io.github.harbordt.dynatrace;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.harbordt.exchange.ExchangeNames;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BatchingTest {

    private static OutboundEvent event(String json) {
        return new OutboundEvent(json.getBytes(StandardCharsets.UTF_8), null);
    }

    @Test
    void batchIsAValidJsonArrayWhoseSizeIsKnownExactly() throws Exception {
        Batch batch = Batch.of("a", Sink.SECURITY_EVENTS);
        batch.add(event("{\"x\":1}"));
        batch.add(event("{\"y\":\"é\"}"));
        byte[] body = batch.toJsonArray();
        assertThat(new ObjectMapper().readTree(body).size()).isEqualTo(2);
        assertThat((long) body.length).isEqualTo(batch.bytes());
        assertThat(new String(batch.toJsonLines(), StandardCharsets.UTF_8)).isEqualTo("{\"x\":1}\n{\"y\":\"é\"}\n");
        assertThat(batch.halves()).extracting(Batch::size).containsExactly(1, 1);
    }

    @Test
    void strategyCompletesBeforeAnEventWouldCrossTheByteOrCountBound() {
        CamelContext ctx = new DefaultCamelContext();
        BatchAggregationStrategy strategy = new BatchAggregationStrategy(Sink.SECURITY_EVENTS, 20, 3);
        Exchange group = strategy.aggregate(null, exchange(ctx, "{\"a\":1}"));        // 2 + 7 = 9 bytes
        assertThat(strategy.preComplete(group, exchange(ctx, "{\"b\":22}"))).isFalse(); // 9 + 1 + 8 = 18
        group = strategy.aggregate(group, exchange(ctx, "{\"b\":22}"));
        assertThat(strategy.preComplete(group, exchange(ctx, "{\"c\":3}"))).isTrue();   // 18 + 8 = 26 > 20
        Batch small = Batch.of("a", Sink.SECURITY_EVENTS);
        Exchange counted = strategy.aggregate(null, exchange(ctx, "1"));
        counted = strategy.aggregate(counted, exchange(ctx, "2"));
        counted = strategy.aggregate(counted, exchange(ctx, "3"));
        assertThat(strategy.preComplete(counted, exchange(ctx, "4"))).isTrue();
        assertThat(small.size()).isZero();
        assertThat(group.getMessage().getBody(Batch.class).instanceId()).isEqualTo("inst");
    }

    private static Exchange exchange(CamelContext ctx, String json) {
        Exchange e = new DefaultExchange(ctx);
        e.setProperty(ExchangeNames.INSTANCE, "inst");
        e.getMessage().setBody(new Batch("inst", Sink.SECURITY_EVENTS, List.of(event(json)), null));
        return e;
    }

    @Test
    void chunksRespectBothBoundsAndKeepOrder() {
        List<OutboundEvent> events = java.util.stream.IntStream.range(0, 10)
                .mapToObj(i -> event("{\"n\":" + i + "}")).toList();            // 7 bytes each
        List<Batch> chunks = Batch.chunks("a", Sink.SECURITY_EVENTS, events, 26, 5); // 2 + 3*7 + 2 = 25 bytes
        assertThat(chunks).extracting(Batch::size).containsExactly(3, 3, 3, 1);
        assertThat(chunks).allSatisfy(c -> assertThat(c.bytes()).isLessThanOrEqualTo(26));
        assertThat(Batch.chunks("a", Sink.SECURITY_EVENTS, events, 1000, 4)).extracting(Batch::size).containsExactly(4, 4, 2);
        Batch merged = Batch.of("a", Sink.SECURITY_EVENTS);
        chunks.forEach(merged::addAll);
        assertThat(merged.events()).isEqualTo(events);
        assertThat((long) merged.toJsonArray().length).isEqualTo(merged.bytes());
    }

    @Test
    void statusDecisionsFollowTheIngestContract() {
        assertThat(ResponseDecision.of(Sink.SECURITY_EVENTS, 202)).isEqualTo(ResponseDecision.DELIVERED);
        assertThat(ResponseDecision.of(Sink.SECURITY_EVENTS, 413)).isEqualTo(ResponseDecision.SPLIT);
        assertThat(ResponseDecision.of(Sink.SECURITY_EVENTS, 429)).isEqualTo(ResponseDecision.RETRY);
        assertThat(ResponseDecision.of(Sink.SECURITY_EVENTS, 503)).isEqualTo(ResponseDecision.RETRY);
        assertThat(ResponseDecision.of(Sink.SECURITY_EVENTS, 400)).isEqualTo(ResponseDecision.DEAD_LETTER);
        assertThat(ResponseDecision.of(Sink.SECURITY_EVENTS, 401)).isEqualTo(ResponseDecision.HALT);
        assertThat(ResponseDecision.of(Sink.SECURITY_EVENTS, 403)).isEqualTo(ResponseDecision.HALT);
        assertThat(ResponseDecision.of(Sink.SECURITY_EVENTS, 404)).isEqualTo(ResponseDecision.HALT);
        // the logs endpoint: 204 is success, 200 means it dropped part of the batch
        assertThat(ResponseDecision.of(Sink.LOGS, 204)).isEqualTo(ResponseDecision.DELIVERED);
        assertThat(ResponseDecision.of(Sink.LOGS, 200)).isEqualTo(ResponseDecision.PARTIAL);
        assertThat(ResponseDecision.of(Sink.SECURITY_EVENTS, 200)).isEqualTo(ResponseDecision.DELIVERED);
    }

    @Test
    void retryAfterIsReadInSecondsOrAsHttpDateWhateverTheHeaderCase() {
        Instant now = Instant.parse("2025-01-01T00:00:00Z");
        assertThat(ResponseHeaders.retryAfterMillis(Map.of("retry-after", "3"), now)).isEqualTo(3000);
        assertThat(ResponseHeaders.retryAfterMillis(Map.of("Retry-After", List.of("Wed, 01 Jan 2025 00:00:10 GMT")), now)).isEqualTo(10_000);
        assertThat(ResponseHeaders.retryAfterMillis(Map.of("Retry-After", "soon"), now)).isEqualTo(-1);
        assertThat(ResponseHeaders.retryAfterMillis(Map.of(), now)).isEqualTo(-1);
    }
}
