package io.github.harbordt.dynatrace;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.harbordt.harbor.ReportMimeTypes;
import io.github.harbordt.harbor.ReportParser;
import io.github.harbordt.mapping.JsonString;
import io.github.harbordt.mapping.RuntimeContext;
import io.github.harbordt.mapping.ScanSummary;
import io.github.harbordt.mapping.ScannedArtifact;
import io.github.harbordt.mapping.SecurityEventMapper;
import io.github.harbordt.mapping.Vulnerability;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The JSON the delivery path writes is the mapper's event, field for field, whatever the path took to write it. */
class JsonEventsTest {

    private final ObjectMapper json = new ObjectMapper();
    private final SecurityEventMapper mapper = new SecurityEventMapper(Map.of("dt.security_context", "team-a"));
    private final ScannedArtifact artifact = new ScannedArtifact("harbor.example.com", "7", "library", "library/nginx",
            "sha256:" + "a".repeat(64), List.of("1.25", "latest"),
            new ScanSummary("r-1", "Success", "2025-01-01T00:00:00Z", "2025-01-01T00:01:00Z", "Trivy", "Aqua", 2));
    private final RuntimeContext runtime = new RuntimeContext(RuntimeContext.Status.RUNNING, 3, List.of("prod-eu"),
            List.of("shop"), List.of("Deployment"), List.of("web"), List.of("production"));

    @Test
    void findingsShareTheScanPartAndCarryTheirOwn() throws Exception {
        JsonEvents events = new JsonEvents();
        var shared = events.shared(e -> mapper.findingShared(artifact, runtime, e));
        List<Vulnerability> vulns = List.of(
                new Vulnerability("CVE-2024-1", "openssl", "3.0", "3.1", "Critical", JsonString.of("quote \" and \\ and ü\n"), 9.8,
                        "CVSS:3.1/AV:N", List.of("CWE-79")),
                new Vulnerability("GHSA-x", "zlib", "1.2", null, null, null, null, null, List.of()));
        for (Vulnerability v : vulns) {
            byte[] written = events.event(shared, e -> mapper.finding(artifact, v, e));
            assertThat(json.readTree(written)).isEqualTo(json.valueToTree(mapper.findingEvent(artifact, v, runtime)));
        }
        byte[] scan = events.event(JsonEvents.NONE, e -> mapper.scan(artifact, runtime, e));
        assertThat(json.readTree(scan)).isEqualTo(json.valueToTree(mapper.scanEvent(artifact, runtime)));
    }

    @Test
    void aDescriptionReadFromAReportIsCopiedAsItsLiteralAndMeansTheSameText() throws Exception {
        byte[] report = ("{\"" + ReportMimeTypes.V1_1 + "\":{\"vulnerabilities\":[{\"id\":\"CVE-1\",\"package\":\"p\","
                + "\"version\":\"1\",\"description\":\"line\\none \\u00fc \\\"quoted\\\" ü\"}]}}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Vulnerability v = ReportParser.parse(report).vulnerabilities().get(0);
        assertThat(v.description().hasLiteral()).isTrue();

        JsonEvents events = new JsonEvents();
        byte[] written = events.event(events.shared(e -> mapper.findingShared(artifact, null, e)),
                e -> mapper.finding(artifact, v, e));

        assertThat(new String(written, java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"vulnerability.description\":\"line\\none \\u00fc \\\"quoted\\\" ü\"");
        assertThat(json.readTree(written).get("vulnerability.description").asText()).isEqualTo("line\none ü \"quoted\" ü");
        assertThat(json.readTree(written)).isEqualTo(json.valueToTree(mapper.findingEvent(artifact, v, null)));
    }

    @Test
    void aBlankDescriptionIsAbsentHoweverItIsSpelled() throws Exception {
        for (String blank : new String[] {"   ", "\\n\\t", "\\u0020 ", ""}) {
            byte[] report = ("{\"" + ReportMimeTypes.V1_1 + "\":{\"vulnerabilities\":[{\"id\":\"CVE-1\",\"package\":\"p\","
                    + "\"version\":\"1\",\"description\":\"" + blank + "\"}]}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(ReportParser.parse(report).vulnerabilities().get(0).description()).as(blank).isNull();
        }
    }
}
