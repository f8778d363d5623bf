package io.github.harbordt.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.harbor.HarborVersion;
import io.github.harbordt.harbor.ReportMimeTypes;
import io.github.harbordt.mapping.AuditStream;
import io.github.harbordt.support.Registries;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Registry content as found in the field, for a given Harbor release, with its ground truth: what Dynatrace must
 * receive. Two projects, nested repositories, both report formats, one digest pushed to two repositories (one shared
 * report), an untagged image, and what the crawl must leave out (a chart, a running scan, a failed scan), plus audit
 * rows in the table the release writes.
 */
public final class FieldRegistry {

    /** The releases the connector supports, as {@code /systeminfo} names them (harbor-api.md §11). */
    public static final List<String> VERSIONS = List.of("v2.2.4-a1b2c3d4", "v2.5.6-a1b2c3d4", "v2.8.6-a1b2c3d4",
            "v2.11.2-a1b2c3d4", "v2.12.4-a1b2c3d4", "v2.13.2-a1b2c3d4", "v2.14.1-a1b2c3d4", "v2.15.2-a1b2c3d4");

    private final SimulatedRegistry registry;
    private final List<SimulatedRegistry.Artifact> delivered = new ArrayList<>();
    private final AuditStream auditTable;
    private int auditRows;

    private FieldRegistry(String version, Instant now) {
        this.registry = Registries.empty(version);
        HarborVersion v = HarborVersion.parse(version).orElseThrow();
        registry.project("library", true);
        registry.project("team", false);
        Instant hourAgo = now.minusSeconds(3600);
        SimulatedRegistry.Scan shared = Registries.success(hourAgo, Registries.vulns(5));
        SimulatedRegistry.Artifact nginx = registry.push("library/nginx", Registries.digest(1), "IMAGE", List.of("1.25"), shared);
        delivered.add(nginx);
        // the same image mirrored into a second repository: one report in Harbor, two objects in Dynatrace
        delivered.add(registry.push("team/mirror/nginx", Registries.digest(1), "IMAGE", List.of("1.25"), shared));
        delivered.add(registry.push("library/redis", Registries.digest(2), "IMAGE", List.of("7"),
                Registries.success(hourAgo, Registries.vulns(3), ReportMimeTypes.V1_0)));
        delivered.add(registry.push("team/backend/api", Registries.digest(3), "IMAGE", List.of("2.0", "latest"),
                Registries.success(hourAgo, Registries.vulns(4))));
        delivered.add(registry.push("team/backend/api", Registries.digest(4), "IMAGE", null,
                Registries.success(hourAgo, Registries.vulns(2))));
        registry.push("library/charts", Registries.digest(5), "CHART", List.of("0.1.0"), null);
        registry.push("team/backend/worker", Registries.digest(6), "IMAGE", List.of("1"),
                new SimulatedRegistry.Scan("running-6", "Running", now.minusSeconds(5), null, ReportMimeTypes.V1_1,
                        "Trivy", "Aqua Security", "v0.56.2", 0, List::of));
        registry.push("team/backend/worker", Registries.digest(7), "IMAGE", List.of("0.9"), Registries.status("Error", hourAgo));
        auditTable = v.hasAuditLogExts() ? AuditStream.EXTS : AuditStream.LEGACY;
        for (int i = 0; i < 5; i++) {
            registry.audit(auditTable, "robot$ci", "create", "artifact", "library/nginx:1." + i,
                    "push artifact: library/nginx:1." + i, true, now.minusSeconds(600 - i));
            auditRows++;
        }
    }

    public static FieldRegistry of(String version, Instant now) {
        return new FieldRegistry(version, now);
    }

    public SimulatedRegistry registry() {
        return registry;
    }

    public int expectedScans() {
        return delivered.size();
    }

    public int expectedFindings() {
        return expectedFindingKeys().size();
    }

    public int expectedAuditRows() {
        return auditRows;
    }

    /** Every scan of the ground truth arrived exactly once, and nothing else. */
    public void assertScans(List<JsonNode> events) {
        List<String> arrived = events.stream().filter(e -> "VULNERABILITY_SCAN".equals(e.path("event.type").asText()))
                .map(e -> e.path("container_image.repository").asText() + "@" + e.path("container_image.digest").asText()
                        + " " + e.path("scan.id").asText()).sorted().toList();
        List<String> expected = delivered.stream().map(a -> a.repository() + "@" + a.digest() + " " + a.scan().reportId())
                .sorted().toList();
        assertThat(arrived).as("scan events").containsExactlyElementsOf(expected);
    }

    /** Every finding of the ground truth arrived exactly once, with the contract's fields, and nothing else. */
    public void assertFindings(List<JsonNode> events) {
        List<JsonNode> findings = events.stream()
                .filter(e -> "VULNERABILITY_FINDING".equals(e.path("event.type").asText())).toList();
        List<String> arrived = findings.stream().map(FieldRegistry::findingKey).sorted().toList();
        assertThat(arrived).as("finding events").containsExactlyElementsOf(expectedFindingKeys());
        Set<String> objects = new TreeSet<>();
        for (JsonNode f : findings) {
            assertThat(f.path("event.provider").asText()).isEqualTo("Harbor");
            assertThat(f.path("object.type").asText()).isEqualTo("CONTAINER_IMAGE");
            assertThat(f.path("object.id").asText()).endsWith("/" + f.path("container_image.repository").asText() + "/"
                    + f.path("container_image.digest").asText());
            assertThat(f.path("container_image.registry").asText()).isNotEmpty();
            assertThat(f.path("dt.security.risk.level").asText()).isIn("CRITICAL", "HIGH", "MEDIUM", "LOW", "NONE");
            assertThat(f.path("dt.security.risk.score").isNumber()).isTrue();
            assertThat(f.path("finding.id").asText()).startsWith(f.path("container_image.digest").asText() + "/");
            objects.add(f.path("object.id").asText());
        }
        assertThat(objects).as("one object per repository and digest").hasSize(delivered.size());
    }

    /** Every audit row arrived once as a log record from Harbor. */
    public void assertAuditLogs(List<JsonNode> records) {
        assertThat(records).as("audit log records").hasSize(auditRows);
        assertThat(records).allSatisfy(r -> assertThat(r.path("log.source").asText()).isEqualTo("Harbor"));
    }

    private List<String> expectedFindingKeys() {
        List<String> keys = new ArrayList<>();
        for (SimulatedRegistry.Artifact a : delivered) {
            for (SimulatedRegistry.Vuln v : a.scan().vulnerabilities().get()) {
                keys.add(a.repository() + "@" + a.digest() + " " + v.id() + " " + v.pkg() + "@" + v.version());
            }
        }
        return keys.stream().sorted().toList();
    }

    private static String findingKey(JsonNode f) {
        return f.path("container_image.repository").asText() + "@" + f.path("container_image.digest").asText() + " "
                + f.path("vulnerability.id").asText() + " " + f.path("component.name").asText() + "@"
                + f.path("component.version").asText();
    }
}
