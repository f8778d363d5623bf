package io.github.harbordt.blackbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's first command: nothing configured, so the connector crawls its demo registry and demo cluster in
 * service mode, writes what it would send to {@code data/dry-run/}, and shows latest-scan truth when the demo patches
 * its production nginx: the next cycle finds four groups resolved and a smaller funnel. Only the demo's timing is
 * shortened (documented keys, in {@code config/application.properties}); the management port is left at its default.
 */
class DemoIT {

    @TempDir
    Path work;

    @Test
    void theDemoNotifiesItsNewCriticalsThenShowsThePatchedOnesResolved() throws Exception {
        Files.createDirectories(work.resolve("config"));
        Files.writeString(work.resolve("config/application.properties"), "harbor.interval = 4s\ndemo.patch-after = 2s\n");
        try (PackagedJar connector = PackagedJar.start(work, Map.of())) {
            String first = connector.awaitLine("' cycle delivered", Duration.ofSeconds(60));
            assertThat(first).contains("scans_new=15", "funnel=83>33>16>9>9 resolved_groups=0");
            connector.awaitLine("rescanned after its maintainers' patch; 4 critical finding(s) gone", Duration.ofSeconds(30));
            String afterPatch = connector.awaitLine("resolved_groups=4", Duration.ofSeconds(30));
            // the one new scan: nginx 1.25.3 without its criticals; no group of it is new, four are resolved
            assertThat(afterPatch).contains("scans_new=1", "funnel=2>0>0>0>0 resolved_groups=4");
            assertThat(connector.terminate(Duration.ofSeconds(60))).as(connector.output()).isZero();
        }
        Path dryRun = work.resolve("data/dry-run");
        try (var files = Files.list(dryRun)) {
            List<Path> notifications = files.filter(f -> f.getFileName().toString().startsWith("notifications-")).toList();
            assertThat(notifications).singleElement().satisfies(f -> assertThat(Files.readAllLines(f)).hasSize(9));
        }
    }
}
