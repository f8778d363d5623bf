package io.github.harbordt.app;

import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.LogCapture;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.github.harbordt.support.Registries.digest;
import static io.github.harbordt.support.Registries.success;
import static io.github.harbordt.support.Registries.vulns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Boots the connector as production does: Camel Main, the packaged application.properties, the Quartz schedule and
 * the drop-in routes folder, against loopback Harbor and Dynatrace.
 */
class ApplicationBootTest {

    private static final String ROBOT_SECRET = "Robot-Secret-7f3a9c";
    private static final String DT_TOKEN = "dt0c01.BOOTTESTSECRETTOKEN";

    @TempDir
    Path data;
    private FakeHarbor harbor;
    private FakeDynatrace dynatrace;
    private Main main;
    private Thread runner;
    private int managementPort;

    @BeforeEach
    void peers() throws Exception {
        SimulatedRegistry r = new SimulatedRegistry("v2.13.1-a1b2c3d4", "robot$boot", ROBOT_SECRET);
        r.project("library", true);
        for (int i = 0; i < 5; i++) {
            r.push("library/app-" + i, digest(i), "IMAGE", List.of("1"), success(Instant.now().minusSeconds(60), vulns(4)));
        }
        harbor = new FakeHarbor(r);
        dynatrace = new FakeDynatrace(DT_TOKEN);
        try (ServerSocket free = new ServerSocket(0)) {
            managementPort = free.getLocalPort();
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (main != null) {
            main.completed();
            runner.join(30_000);
        }
        harbor.close();
        dynatrace.close();
    }

    private void boot(Map<String, String> overrides) {
        main = new Main();
        main.configure().addConfiguration(ConnectorConfiguration.class);
        main.setPropertyPlaceholderLocations("classpath:application.properties");
        main.addOverrideProperty("connector.data-dir", data.toString());
        main.addOverrideProperty("harbor.url", harbor.url());
        main.addOverrideProperty("harbor.username", "robot$boot");
        main.addOverrideProperty("harbor.password", ROBOT_SECRET);
        main.addOverrideProperty("dynatrace.url", dynatrace.url());
        main.addOverrideProperty("dynatrace.token", DT_TOKEN);
        main.addOverrideProperty("dynatrace.batch.timeout", "300ms");
        main.addOverrideProperty("camel.management.port", String.valueOf(managementPort));
        overrides.forEach(main::addOverrideProperty);
        runner = new Thread(() -> {
            try {
                main.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "main-under-test");
        runner.start();
    }

    @Test
    void runsTheScheduledCrawlLoadsDropInRoutesAndKeepsSecretsOutOfTheLogs() throws Exception {
        Path routes = Files.createDirectories(data.resolve("routes"));
        Files.writeString(routes.resolve("echo.camel.yaml"), """
                - route:
                    id: drop-in-echo
                    from:
                      uri: direct:drop-in-echo
                      steps:
                        - setBody:
                            simple: "dropped in: ${body}"
                """);
        try (LogCapture logs = new LogCapture()) {
            boot(Map.of("routes.dir", routes.toString()));

            await().atMost(Duration.ofSeconds(60)).until(() -> dynatrace.events().size() == 5 + 20);
            await().atMost(Duration.ofSeconds(30)).until(() -> logs.text().contains("cycle delivered"));

            assertThat(main.getCamelContext().getRoute("harbor-default-scans")).isNotNull();
            String echoed = main.getCamelContext().createProducerTemplate().requestBody("direct:drop-in-echo", "hi", String.class);
            assertThat(echoed).isEqualTo("dropped in: hi");
            assertThat(logs.text()).contains("scans_new=5").contains("findings=20")
                    .doesNotContain(ROBOT_SECRET).doesNotContain(DT_TOKEN);
        }
        // health and metrics on their own port; the funnel of the cycle (no cluster configured: nothing runs)
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + managementPort + "/observe/";
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "health")).build(), HttpResponse.BodyHandlers.ofString()).body())
                .contains("UP");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(http.send(HttpRequest.newBuilder(
                URI.create(base + "metrics")).build(), HttpResponse.BodyHandlers.ofString()).body())
                .contains("harbor_connector_findings_funnel{harbor_instance=\"default\",step=\"all\"} 20.0")
                .contains("harbor_connector_findings_funnel{harbor_instance=\"default\",step=\"running\"} 0.0"));
    }

    @Test
    void startsWithoutARoutesFolderAndARefusedTokenIsReportedWithoutLeakingIt() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            boot(Map.of("routes.dir", data.resolve("does-not-exist").toString(), "dynatrace.token", "dt0c01.WRONGTOKENVALUE"));

            await().atMost(Duration.ofSeconds(60)).until(() -> logs.text().contains("openpipeline.events_security"));

            assertThat(logs.text()).contains("No drop-in routes folder").contains("Dynatrace rejected the token (401)")
                    .doesNotContain("WRONGTOKENVALUE").doesNotContain(ROBOT_SECRET);
            assertThat(dynatrace.events()).isEmpty();
        }
    }
}
