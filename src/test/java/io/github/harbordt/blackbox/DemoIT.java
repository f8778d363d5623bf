package io.github.harbordt.blackbox;

import io.github.harbordt.support.HarborWebhooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's first command: nothing configured, so the connector crawls its demo registry and demo cluster in
 * service mode, writes what it would send to {@code data/dry-run/}, and shows latest-scan truth when the demo patches
 * its production nginx: the next cycle finds four groups resolved and a smaller funnel. Only the demo's timing is
 * shortened (documented keys, in {@code config/application.properties}); the management port is left at its default,
 * where every metric series the README lists exists after the first cycle.
 */
class DemoIT {

    @TempDir
    Path work;

    /** The series named in the README's metrics table. */
    static Set<String> readmeSeries() throws IOException {
        // the demo is a dry run: what only Dynatrace's answers make is checked where there is a Dynatrace (ServiceModeIT)
        Matcher m = Pattern.compile("(?m)^\\| `(harbor_connector_[a-z_]+)(?!.*none in a dry run)").matcher(
                Files.readString(Path.of("README.md")));
        Set<String> names = new TreeSet<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        assertThat(names).as("the README's metrics table").hasSizeGreaterThan(10);
        return names;
    }

    private static Set<String> seriesNames(String exposition) {
        return exposition.lines().filter(l -> l.startsWith("harbor_connector_")).map(l -> l.replaceAll("[{ ].*", ""))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static String metrics() throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:9876/observe/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void theSampleAlertRulesUseOnlySeriesTheReadmeLists() throws IOException {
        Matcher m = Pattern.compile("harbor_connector_[a-z_]+").matcher(Files.readString(Path.of("config/prometheus/alerts.yaml")));
        Set<String> used = new TreeSet<>();
        while (m.find()) {
            used.add(m.group());
        }
        assertThat(used).isNotEmpty();
        assertThat(readmeSeries()).containsAll(used);
    }

    @Test
    void theDemoNotifiesItsNewCriticalsThenShowsThePatchedOnesResolved() throws Exception {
        Files.createDirectories(work.resolve("config"));
        Files.writeString(work.resolve("config/application.properties"), "harbor.interval = 4s\ndemo.patch-after = 2s\n");
        try (PackagedJar connector = PackagedJar.start(work, Map.of("WEBHOOK_ENABLED", "true",
                "HARBOR_WEBHOOK_SECRET", "a-long-random-webhook-secret"))) {
            String first = connector.awaitLine("' cycle delivered", Duration.ofSeconds(60));
            assertThat(first).contains("scans_new=15", "funnel=83>33>16>9>9 resolved_groups=0");
            // a caller without the secret, so that the webhook series has its first answer
            assertThat(new HarborWebhooks("http://127.0.0.1:8090/harbor/webhook/default").post("{}", "Bearer wrong",
                    HarborWebhooks.Format.DEFAULT).statusCode()).isEqualTo(401);
            connector.awaitLine("New vulnerabilities: 9 new group(s)", Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(seriesNames(metrics())).as("every series the README lists, after a cycle")
                            .containsAll(readmeSeries()));
            assertThat(metrics()).contains("harbor_connector_notifications_total{channel=\"local\",kind=\"new\",outcome=\"sent\"} 9.0",
                    "harbor_connector_webhook_calls_total{answer=\"401\"} 1.0",
                    "harbor_connector_cycles_total{harbor_instance=\"default\",kind=\"scans\",outcome=\"delivered\"}");
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
