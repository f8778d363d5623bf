package io.github.harbordt.app;

import io.github.harbordt.Application;
import io.github.harbordt.demo.DemoRegistry;
import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.Registries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.github.harbordt.support.Registries.digest;
import static io.github.harbordt.support.Registries.success;
import static io.github.harbordt.support.Registries.vulns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kills the connector process (SIGKILL, no shutdown hook) in the middle of delivery, starts it again, and checks that
 * every event reached Dynatrace at least once.
 */
class KillAndRestartTest {

    @TempDir
    Path data;

    @Test
    void nothingIsMissingAfterAKillDuringDelivery() throws Exception {
        SimulatedRegistry r = Registries.empty("v2.13.1-a1b2c3d4");
        r.project("library", true);
        for (int i = 0; i < 30; i++) {
            r.push("library/app-" + i, digest(i), "IMAGE", List.of("1"), success(Instant.now().minusSeconds(60), vulns(20)));
        }
        try (FakeHarbor harbor = new FakeHarbor(r); FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.KILLTEST")) {
            dynatrace.delay(Duration.ofMillis(250));
            Process first = connector(harbor, dynatrace);
            await().atMost(Duration.ofSeconds(60)).until(() -> dynatrace.requests().size() >= 3);
            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            int beforeRestart = dynatrace.events().size();
            assertThat(beforeRestart).isLessThan(30 * 21);

            dynatrace.delay(Duration.ZERO);
            Process second = connector(harbor, dynatrace);
            assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).isZero();

            Set<String> ids = dynatrace.events().stream().map(e -> e.get("event.id").asText()).collect(Collectors.toSet());
            assertThat(ids).hasSize(30 * 21);
        }
    }

    private Process connector(FakeHarbor harbor, FakeDynatrace dynatrace) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"),
                "-Dconnector.mode=once",
                "-Dcamel.management.enabled=false",
                "-Dconnector.data-dir=" + data,
                "-Droutes.dir=" + data.resolve("routes"),
                "-Dharbor.url=" + harbor.url(),
                "-Dharbor.username=" + DemoRegistry.ROBOT,
                "-Dharbor.password=" + DemoRegistry.SECRET,
                "-Ddynatrace.url=" + dynatrace.url(),
                "-Ddynatrace.token=dt0c01.KILLTEST",
                "-Ddynatrace.batch.max-records=40",
                Application.class.getName()));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(data.resolve("connector-" + System.nanoTime() + ".log").toFile()).start();
    }
}
