package io.github.harbordt.mapping;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SecurityEventMapperTest {

    private static final String DIGEST = "sha256:3a57e4d2977eda1bc14d52b587f588aa3b493c7513105e81c372cd7808053cca";
    private final SecurityEventMapper mapper = new SecurityEventMapper(Map.of());
    private final ScannedArtifact nginx = new ScannedArtifact("harbor.example.com", "1", "library", "library/nginx", DIGEST,
            List.of("1.25.2"), new ScanSummary("20ff666c-96c0-4129-bfa9-a53ef8a8f911", "Success", "2025-10-14T09:12:03.118Z",
            "2025-10-14T09:12:41.506Z", "Trivy", "Aqua Security", 142));
    private final Vulnerability cve = new Vulnerability("CVE-2023-44487", "libnghttp2-14", "1.52.0-1", "1.52.0-1+deb12u1",
            "High", JsonString.of("The HTTP/2 protocol allows a denial of service."), 7.5,
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", List.of("CWE-400"));

    @Test
    void findingCarriesEveryContractFieldOfTheReferenceExample() {
        Map<String, Object> e = mapper.findingEvent(nginx, cve, null);

        assertThat(e).containsEntry("event.kind", "SECURITY_EVENT")
                .containsEntry("event.type", "VULNERABILITY_FINDING")
                .containsEntry("event.provider", "Harbor")
                .containsEntry("event.name", "Vulnerability finding event")
                .containsEntry("event.description", "Vulnerability CVE-2023-44487 was found in container image library/nginx in libnghttp2-14 (1.52.0-1)")
                .containsEntry("event.category", "VULNERABILITY_MANAGEMENT")
                .containsEntry("product.vendor", "Aqua Security").containsEntry("product.name", "Trivy")
                .containsEntry("object.id", "harbor.example.com/library/nginx/" + DIGEST)
                .containsEntry("object.name", "library/nginx").containsEntry("object.type", "CONTAINER_IMAGE")
                .containsEntry("container_image.digest", DIGEST).containsEntry("container_image.repository", "library/nginx")
                .containsEntry("container_image.registry", "harbor.example.com")
                .containsEntry("container_image.tags", List.of("1.25.2"))
                .containsEntry("harbor.project.name", "library").containsEntry("harbor.project.id", "1")
                .containsEntry("finding.id", DIGEST + "/CVE-2023-44487/libnghttp2-14@1.52.0-1")
                .containsEntry("finding.type", "DEPENDENCY_VULNERABILITY")
                .containsEntry("finding.title", "CVE-2023-44487 on library/nginx")
                .containsEntry("finding.time.created", "2025-10-14T09:12:41.506Z")
                .containsEntry("finding.severity", "High").containsEntry("finding.score", 7.5)
                .containsEntry("dt.security.risk.level", "HIGH").containsEntry("dt.security.risk.score", 8.9)
                .containsEntry("vulnerability.id", "CVE-2023-44487").containsEntry("vulnerability.title", "CVE-2023-44487")
                .containsEntry("vulnerability.references.cve", List.of("CVE-2023-44487"))
                .containsEntry("vulnerability.references.cwe", List.of("CWE-400"))
                .containsEntry("vulnerability.cvss.base_score", 7.5).containsEntry("vulnerability.cvss.version", "3.1")
                .containsEntry("vulnerability.cvss.vector", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H")
                .containsEntry("vulnerability.remediation.status", "AVAILABLE")
                .containsEntry("vulnerability.remediation.description", "Upgrade to libnghttp2-14 1.52.0-1+deb12u1 or later.")
                .containsEntry("vulnerability.remediation.fix_versions", List.of("1.52.0-1+deb12u1"))
                .containsEntry("component.name", "libnghttp2-14").containsEntry("component.version", "1.52.0-1")
                .containsEntry("scan.id", "20ff666c-96c0-4129-bfa9-a53ef8a8f911")
                .containsEntry("scan.name", "20ff666c-96c0-4129-bfa9-a53ef8a8f911")
                .containsEntry("scan.time.completed", "2025-10-14T09:12:41.506Z")
                .doesNotContainKey("timestamp");
        assertThat(e.get("event.id").toString()).matches("[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");
    }

    @Test
    void absentValuesAreOmittedNotNulled() {
        Vulnerability bare = new Vulnerability("DLA-3725-1", "libgnutls30", "3.7.9-2", null, null, null, null, null, List.of());
        ScannedArtifact untagged = new ScannedArtifact("h", null, "p", "p/r", DIGEST, List.of(),
                new ScanSummary("r", "Success", null, "2025-01-01T00:00:00.000Z", null, null, null));

        Map<String, Object> e = mapper.findingEvent(untagged, bare, null);

        assertThat(e).doesNotContainKeys("vulnerability.remediation.fix_versions", "vulnerability.remediation.description",
                "finding.score", "vulnerability.cvss.base_score", "vulnerability.cvss.version", "vulnerability.cvss.vector",
                "vulnerability.references.cve", "vulnerability.references.cwe", "vulnerability.description",
                "container_image.tags", "harbor.project.id", "product.vendor", "product.name")
                .containsEntry("vulnerability.remediation.status", "NOT_AVAILABLE")
                .containsEntry("dt.security.risk.level", "NONE").containsEntry("dt.security.risk.score", 0.0);
        assertThat(e.values()).doesNotContainNull();
        Map<String, Object> scan = mapper.scanEvent(untagged, null);
        assertThat(scan).doesNotContainKeys("scan.time.started", "scan.findings.total", "container_image.tags");
        assertThat(scan.values()).doesNotContainNull();
    }

    @Test
    void scanEventHasItsFieldsAndNoFindingFields() {
        Map<String, Object> e = mapper.scanEvent(nginx, null);

        assertThat(e).containsEntry("event.type", "VULNERABILITY_SCAN").containsEntry("event.name", "Vulnerability scan event")
                .containsEntry("event.description", "Harbor scan of container image library/nginx (" + DIGEST + ") completed")
                .containsEntry("scan.status", "Success").containsEntry("scan.time.started", "2025-10-14T09:12:03.118Z")
                .containsEntry("scan.time.completed", "2025-10-14T09:12:41.506Z").containsEntry("scan.findings.total", 142)
                .doesNotContainKeys("timestamp", "finding.id", "dt.security.risk.level", "dt.security.risk.score",
                        "vulnerability.id", "component.name");
    }

    @Test
    void aFailedOrStoppedScanSaysSoAndCarriesNoTotal() {
        for (String[] c : new String[][]{{"Error", "failed"}, {"Stopped", "was stopped"}}) {
            ScannedArtifact failed = new ScannedArtifact(nginx.registry(), nginx.projectId(), nginx.projectName(),
                    nginx.repository(), nginx.digest(), nginx.tags(),
                    new ScanSummary("r-9", c[0], "2025-10-14T09:12:03.118Z", "2025-10-14T09:12:05.000Z", null, null, null));
            assertThat(mapper.scanEvent(failed, null)).containsEntry("scan.status", c[0])
                    .containsEntry("event.description", "Harbor scan of container image library/nginx (" + DIGEST + ") " + c[1])
                    .containsEntry("scan.time.completed", "2025-10-14T09:12:05.000Z")
                    .doesNotContainKeys("scan.findings.total", "product.name");
        }
    }

    @Test
    void idsAreDeterministicPerFindingAndScan() {
        String first = mapper.findingEvent(nginx, cve, null).get("event.id").toString();
        assertThat(mapper.findingEvent(nginx, cve, null).get("event.id")).isEqualTo(first);
        ScannedArtifact rescanned = new ScannedArtifact(nginx.registry(), nginx.projectId(), nginx.projectName(), nginx.repository(),
                nginx.digest(), nginx.tags(), new ScanSummary("new-report", "Success", null, "2025-10-15T00:00:00.000Z", "Trivy", "Aqua Security", 1));
        Map<String, Object> again = mapper.findingEvent(rescanned, cve, null);
        assertThat(again.get("event.id")).isNotEqualTo(first);
        assertThat(again.get("finding.id")).isEqualTo(mapper.findingEvent(nginx, cve, null).get("finding.id"));
        assertThat(mapper.scanEvent(nginx, null).get("event.id")).isEqualTo(mapper.scanEvent(nginx, null).get("event.id"))
                .isNotEqualTo(mapper.scanEvent(rescanned, null).get("event.id"));
    }

    @Test
    void configuredAttributesAreAddedToEveryEvent() {
        SecurityEventMapper withContext = new SecurityEventMapper(Map.of("dt.security_context", "team-a"));
        assertThat(withContext.findingEvent(nginx, cve, null)).containsEntry("dt.security_context", "team-a");
        assertThat(withContext.scanEvent(nginx, null)).containsEntry("dt.security_context", "team-a");
    }

    @ParameterizedTest
    @CsvSource({"Critical,CRITICAL,10.0", "High,HIGH,8.9", "Medium,MEDIUM,6.9", "Low,LOW,3.9", "None,NONE,0.0",
            "Unknown,NONE,0.0", "Negligible,NONE,0.0", "'',NONE,0.0", "critical,CRITICAL,10.0"})
    void riskTable(String severity, String level, double score) {
        assertThat(RiskLevel.ofSeverity(severity).name()).isEqualTo(level);
        assertThat(RiskLevel.ofSeverity(severity).score()).isEqualTo(score);
    }

    @Test
    void minimumSeverityOrdering() {
        assertThat(RiskLevel.CRITICAL.atLeast(RiskLevel.HIGH)).isTrue();
        assertThat(RiskLevel.MEDIUM.atLeast(RiskLevel.HIGH)).isFalse();
        assertThat(RiskLevel.NONE.atLeast(RiskLevel.NONE)).isTrue();
        assertThat(RiskLevel.ofSeverity(null)).isEqualTo(RiskLevel.NONE);
    }
}
