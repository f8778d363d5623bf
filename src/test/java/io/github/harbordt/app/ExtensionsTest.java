package io.github.harbordt.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.dynatrace.DeliveryRoutes;
import io.github.harbordt.mapping.AuditStream;
import io.github.harbordt.pipeline.CycleResult;
import io.github.harbordt.support.ConnectorHarness;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.Registries;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connector opened to other Camel applications: the documented second-destination drop-in (the README's
 * example file, as shipped), and the connector added to a CamelContext that already has routes and properties.
 */
class ExtensionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    private static SimulatedRegistry registry() {
        SimulatedRegistry r = Registries.empty("v2.13.1-a1b2c3d4");
        r.project("library", true);
        r.push("library/app", Registries.digest(1), "IMAGE", List.of("1"),
                Registries.success(Instant.now().minusSeconds(60), Registries.vulns(3)));
        r.audit(AuditStream.EXTS, "robot$ci", "create", "artifact", "library/app:1", "push artifact", true,
                Instant.now().minusSeconds(30));
        return r;
    }

    @Test
    void theShippedSecondDestinationExampleReceivesEveryEventAndAuditRecordOnce() throws Exception {
        Files.createDirectories(data.resolve("routes"));
        Files.copy(Path.of("routes/examples/siem-file.camel.yaml"), data.resolve("routes/siem-file.camel.yaml"));
        try (FakeHarbor harbor = new FakeHarbor(registry()); FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.TESTTOKEN");
             ConnectorHarness connector = ConnectorHarness.start(data, harbor.url(), dynatrace.url(), Map.of())) {
            // as application.properties would define it for the example's file path
            connector.context().getPropertiesComponent().addOverrideProperty("connector.data-dir", data.toString());
            DropInRoutes.load(connector.context(), data.resolve("routes"));

            assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
            assertThat(connector.runAuditCycle()).isEqualTo(CycleResult.DELIVERED);

            await().atMost(Duration.ofSeconds(10)).until(() -> copied("default-security.events").size() == 4
                    && copied("default-logs").size() == 1);
            assertThat(copied("default-security.events")).extracting(e -> e.get("event.id").asText())
                    .containsExactlyInAnyOrderElementsOf(dynatrace.events().stream().map(e -> e.get("event.id").asText()).toList());
            assertThat(copied("default-logs")).singleElement().satisfies(l -> assertThat(l.get("log.source").asText()).isEqualTo("Harbor"));
        }
    }

    /** The records in the example's files for this prefix, every line a batch. */
    private List<JsonNode> copied(String prefix) throws Exception {
        Path dir = data.resolve("siem");
        List<JsonNode> records = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return records;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
                for (String line : Files.readAllLines(f)) {
                    JSON.readTree(line).forEach(records::add);
                }
            }
        }
        return records;
    }

    @Test
    void theConnectorRunsInsideAnExistingCamelApplicationBesideItsRoutesWithItsOwnPropertyPrefix() throws Exception {
        try (FakeHarbor harbor = new FakeHarbor(registry()); FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.EMBEDDED");
             CamelContext estate = new DefaultCamelContext()) {
            Properties p = new Properties();
            p.put("greeting", "hello");
            // the estate's own keys of the same names must not be taken for the connector's
            p.put("harbor.url", "http://127.0.0.1:1");
            p.put("dynatrace.url", "http://127.0.0.1:1");
            p.put("harbor-dt.harbor.url", harbor.url());
            p.put("harbor-dt.harbor.username", harbor.registry().robotName());
            p.put("harbor-dt.harbor.password", harbor.registry().robotSecret());
            p.put("harbor-dt.dynatrace.url", dynatrace.url());
            p.put("harbor-dt.dynatrace.token", dynatrace.token());
            p.put("harbor-dt.connector.data-dir", data.toString());
            p.put("harbor-dt.dynatrace.batch.timeout", "200ms");
            estate.getPropertiesComponent().setInitialProperties(p);
            List<String> estateCopies = new CopyOnWriteArrayList<>();
            estate.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:estate-greet").routeId("estate-greet").setBody(simple("{{greeting}}, ${body}"));
                    from(DeliveryRoutes.SECURITY_EVENTS_OUT).routeId("estate-siem")
                            .process(e -> estateCopies.add(e.getMessage().getBody(String.class)));
                }
            });

            ConnectorConfiguration.addTo(estate, "harbor-dt.");
            estate.start();

            // the connector's schedules fire right after start
            await().atMost(Duration.ofSeconds(30)).until(() -> dynatrace.events().size() == 4 && dynatrace.logRecords().size() == 1);
            assertThat(estateCopies).singleElement().asString().contains("VULNERABILITY_SCAN");
            try (ProducerTemplate template = estate.createProducerTemplate()) {
                assertThat(template.requestBody("direct:estate-greet", "world", String.class)).isEqualTo("hello, world");
            }
            assertThat(estate.getRoute("estate-greet")).isNotNull();
            assertThat(estate.getRoute("harbor-default-scans")).isNotNull();
        }
    }
}
