package io.github.harbordt.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What can be checked of config/dynatrace/ without a tenant: the files parse, the dashboard and the workflow run the
 * same decision query as the .dql file, and every field any query reads is one the connector's events (or its funnel
 * metric) carry.
 */
class DynatraceContentTest {

    private static final Path DIR = Path.of("config", "dynatrace");
    private static final Pattern DOTTED = Pattern.compile("\\b[a-z_][a-z0-9_]*(?:\\.[a-z_][a-z0-9_]*)+\\b");
    /** Not event fields: the table read, and the funnel metric with its dimension. */
    private static final Set<String> NOT_FIELDS = Set.of("security.events", "harbor.connector.findings.funnel", "harbor.instance");

    private final ObjectMapper json = new ObjectMapper();

    private static Set<String> eventFields() {
        SecurityEventMapper mapper = new SecurityEventMapper(Map.of());
        ScannedArtifact artifact = new ScannedArtifact("harbor.example.com", "1", "shop", "shop/api", "sha256:" + "a".repeat(64),
                List.of("1.0"), new ScanSummary("r1", "Success", "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z", "Trivy",
                "Aqua Security", 1));
        RuntimeContext running = new RuntimeContext(RuntimeContext.Status.RUNNING, 1, List.of("c"), List.of("prod"),
                List.of("Deployment"), List.of("api"), List.of("production"));
        Vulnerability v = new Vulnerability("CVE-2024-3094", "xz-utils", "5.6.0", "5.6.1", "Critical", JsonString.of("d"), 10.0,
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", List.of("CWE-506"));
        Set<String> fields = new HashSet<>(mapper.findingEvent(artifact, v, running).keySet());
        fields.addAll(mapper.scanEvent(artifact, running).keySet());
        fields.add("timestamp");
        return fields;
    }

    private static List<String> fieldsRead(String query) {
        String code = query.replaceAll("//[^\n]*", "").replaceAll("\"[^\"]*\"", "\"\"");
        List<String> out = new ArrayList<>();
        Matcher m = DOTTED.matcher(code);
        while (m.find()) {
            if (!NOT_FIELDS.contains(m.group())) {
                out.add(m.group());
            }
        }
        return out;
    }

    @Test
    void theDashboardParsesAndEveryTileReadsFieldsTheEventsCarry() throws Exception {
        String dql = Files.readString(DIR.resolve("new-critical-vulnerabilities.dql"));
        JsonNode dashboard = json.readTree(DIR.resolve("harbor-container-security.dashboard.json").toFile());
        Set<String> fields = eventFields();
        List<String> queries = new ArrayList<>();
        dashboard.get("tiles").fields().forEachRemaining(t -> {
            assertThat(dashboard.get("layouts").has(t.getKey())).as("layout of tile " + t.getKey()).isTrue();
            if ("data".equals(t.getValue().path("type").asText())) {
                queries.add(t.getValue().get("query").asText());
            }
        });
        assertThat(queries).hasSize(5).contains(dql);
        List<String> read = new ArrayList<>();
        queries.forEach(q -> read.addAll(fieldsRead(q)));
        assertThat(read).contains("runtime.status", "dt.security.risk.level", "deployment.release_stage", "scan.status")
                .allSatisfy(f -> assertThat(fields).as("field " + f).contains(f));
        assertThat(queries).anySatisfy(q -> assertThat(q).contains("harbor.connector.findings.funnel").contains("step"));
    }

    @Test
    void theWorkflowRunsTheDecisionQueryDailyAndIsImportedInactive() throws Exception {
        String dql = Files.readString(DIR.resolve("new-critical-vulnerabilities.dql"));
        JsonNode workflow = new ObjectMapper(new YAMLFactory())
                .readTree(DIR.resolve("new-critical-vulnerabilities.workflow.yaml").toFile()).get("workflow");
        JsonNode find = workflow.get("tasks").get("find_new_critical_vulnerabilities");
        assertThat(find.get("action").asText()).isEqualTo("dynatrace.automations:execute-dql-query");
        assertThat(find.get("input").get("query").asText()).isEqualTo(dql.stripTrailing());
        JsonNode notify = workflow.get("tasks").get("notify_slack");
        assertThat(notify.get("withItems").asText()).contains("result(\"find_new_critical_vulnerabilities\").records");
        assertThat(notify.get("predecessors").get(0).asText()).isEqualTo("find_new_critical_vulnerabilities");
        // the message reads the query's own columns
        Matcher item = Pattern.compile("_\\.item\\[\"([^\"]+)\"]").matcher(notify.get("input").get("message").asText());
        List<String> columns = new ArrayList<>();
        while (item.find()) {
            columns.add(item.group(1));
        }
        assertThat(columns).isNotEmpty().allSatisfy(c -> assertThat(dql).contains(c));
        JsonNode schedule = workflow.get("trigger").get("schedule");
        assertThat(schedule.get("trigger").get("time").asText()).isEqualTo("08:00");
        assertThat(schedule.get("isActive").asBoolean()).isFalse();
        assertThat(fieldsRead(dql)).allSatisfy(f -> assertThat(eventFields()).as("field " + f).contains(f));
    }

    @Test
    void everyFindingsQueryCountsOnlyEachImagesNewestScan() throws Exception {
        JsonNode dashboard = json.readTree(DIR.resolve("harbor-container-security.dashboard.json").toFile());
        List<String> findingQueries = new ArrayList<>();
        dashboard.get("tiles").forEach(t -> {
            String q = t.path("query").asText();
            if (q.contains("VULNERABILITY_FINDING")) {
                findingQueries.add(q);
            }
        });
        findingQueries.add(Files.readString(DIR.resolve("new-critical-vulnerabilities.dql")));
        findingQueries.add(Files.readString(DIR.resolve("critical-in-production-live.dql")));
        assertThat(findingQueries).hasSize(5).allSatisfy(q -> assertThat(q)
                .contains("summarize latest_scan = max(toTimestamp(scan.time.completed)), by: {object.id}")
                .containsPattern("toTimestamp\\(scan.time.completed\\) == latest_scan"));
    }

    @Test
    void theLiveJoinReadsEventFieldsAndOneAgentsEntitiesOnly() throws Exception {
        String live = Files.readString(DIR.resolve("critical-in-production-live.dql"));
        Set<String> entities = Set.of("dt.entity.container_group_instance", "dt.entity.process_group_instance");
        assertThat(live).contains("containerImageDigest").contains("releasesStage == \"production\"");
        assertThat(fieldsRead(live)).contains("dt.entity.container_group_instance", "container_image.digest")
                .allSatisfy(f -> assertThat(eventFields().contains(f) || entities.contains(f)).as("field " + f).isTrue());
    }
}
