package io.github.harbordt.blackbox;

import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.Registries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Dynatrace refuses connections when the connector starts, then comes back: with the shipped defaults the batch goes
 * to the outbox after the delivery route's retries, and service mode sends it once Dynatrace answers, without a
 * command; nothing is dead-lettered, every event arrives once.
 */
class DynatraceOutageIT {

    @TempDir
    Path work;

    @Test
    void aDynatraceOutageEndsInTheOutboxAndEverythingArrivesWhenItIsBack() throws Exception {
        SimulatedRegistry r = Registries.empty("v2.14.1-a1b2c3d4");
        r.project("library", false);
        for (int i = 1; i <= 3; i++) {
            r.push("library/app-" + i, Registries.digest(i), "IMAGE", List.of("1"),
                    Registries.success(Instant.now().minusSeconds(300), Registries.vulns(5)));
        }
        try (FakeHarbor harbor = new FakeHarbor(r); FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.OUTAGE")) {
            dynatrace.down();
            try (PackagedJar connector = PackagedJar.start(work, PackagedJar.connecting(harbor, dynatrace))) {
                assertThat(connector.awaitLine("' cycle pending", Duration.ofSeconds(60))).contains("queued_for_retry=18");
                dynatrace.up();
                await().atMost(Duration.ofSeconds(60)).until(() -> dynatrace.events().size() >= 18);
                assertThat(dynatrace.events().stream().map(e -> e.path("event.id").asText()).collect(Collectors.toSet()))
                        .hasSize(18);
                assertThat(connector.output()).doesNotContain("Dead-lettered");
                assertThat(connector.terminate(Duration.ofSeconds(60))).isZero();
            }
            try (PackagedJar listing = PackagedJar.start(work, PackagedJar.connecting(harbor, dynatrace,
                    "CONNECTOR_MODE", "dead-letters", "MANAGEMENT_ENABLED", "false"))) {
                assertThat(listing.exitStatus(Duration.ofSeconds(60))).isZero();
                assertThat(listing.output()).contains("0 entries, 0 waiting for replay").doesNotContain("outbox:");
            }
            assertThat(dynatrace.events()).hasSize(18);
        }
    }
}
