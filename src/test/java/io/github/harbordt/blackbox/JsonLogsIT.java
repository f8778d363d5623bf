package io.github.harbordt.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code LOG_FORMAT=json}, as the README documents it: every line the packaged jar prints is one JSON object written by
 * log4j's template layout, and a cycle line carries its figures as fields of their own.
 */
class JsonLogsIT {

    @TempDir
    Path work;

    @Test
    void everyLineIsAJsonObjectAndTheCycleLineHasItsFiguresAsFields() throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        try (PackagedJar connector = PackagedJar.start(work, Map.of("LOG_FORMAT", "json", "CONNECTOR_MODE", "once",
                "MANAGEMENT_ENABLED", "false"))) {
            assertThat(connector.exitStatus(Duration.ofSeconds(90))).as(connector.output()).isZero();
            ObjectMapper json = new ObjectMapper();
            for (String line : connector.output().lines().toList()) {
                JsonNode node = json.readTree(line);
                assertThat(node.isObject()).as(line).isTrue();
                lines.add(node);
            }
        }
        assertThat(lines).allSatisfy(l -> assertThat(l.path("@timestamp").asText()).isNotEmpty())
                .allSatisfy(l -> assertThat(l.path("level").asText()).isIn("INFO", "WARN", "ERROR"));
        JsonNode cycle = lines.stream().filter(l -> l.path("message").asText().startsWith("Harbor 'default' cycle delivered"))
                .findFirst().orElseThrow();
        assertThat(cycle.path("harbor_instance").asText()).isEqualTo("default");
        assertThat(cycle.path("cycle").asText()).isEqualTo("scans");
        assertThat(cycle.path("scans_new").asText()).isEqualTo("15");
        assertThat(cycle.path("findings").asText()).isEqualTo("83");
        assertThat(cycle.path("funnel").asText()).isEqualTo("83>33>16>9>9");
        JsonNode audit = lines.stream().filter(l -> l.path("message").asText().startsWith("Harbor 'default' audit cycle delivered"))
                .findFirst().orElseThrow();
        assertThat(audit.path("audit_rows").asText()).isEqualTo("36");
        assertThat(lines).as("the fields belong to the cycle line alone")
                .filteredOn(l -> l.path("message").asText().startsWith("New vulnerabilities")).allSatisfy(l ->
                        assertThat(l.has("scans_new")).isFalse());
    }
}
