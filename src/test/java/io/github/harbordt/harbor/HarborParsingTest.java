package io.github.harbordt.harbor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.harbordt.config.NameFilter;
import io.github.harbordt.mapping.JsonString;
import io.github.harbordt.mapping.HarborTime;
import io.github.harbordt.mapping.ScannedArtifact;
import io.github.harbordt.mapping.Vulnerability;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Harbor's serialisation quirks (harbor-api.md §2, §7, §12) read without Camel. */
class HarborParsingTest {

    private final ObjectMapper json = new ObjectMapper();
    private final ArtifactSelector selector = new ArtifactSelector("harbor.example.com", NameFilter.all());
    private final Instant window = Instant.parse("2025-01-01T00:00:00Z");

    private JsonNode read(String text) throws Exception {
        return json.readTree(text.replace('\'', '"'));
    }

    private static byte[] bytes(String text) {
        return text.replace('\'', '"').getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void nextLinkIsFoundAmongPrevAndNextAndItsRawQueryIsReencoded() {
        String link = "</api/v2.0/security/vul?page=1&page_size=10&q=severity=Critical,id=[5~]>; rel=\"prev\" , "
                + "</api/v2.0/security/vul?page=3&page_size=10&q=severity=Critical,id=[5~]>; rel=\"next\"";
        assertThat(HarborPaging.nextPage(link, "https://harbor.example.com", 10, 10)).contains(
                "https://harbor.example.com/api/v2.0/security/vul?page=3&page_size=10&q=severity%3DCritical%2Cid%3D%5B5%7E%5D");
    }

    @Test
    void pagingStopsOnShortOrEmptyPagesAndWithoutNextLink() {
        String next = "</api/v2.0/projects?page=2&page_size=10>; rel=\"next\"";
        assertThat(HarborPaging.nextPage(next, "https://h", 9, 10)).isEmpty();
        assertThat(HarborPaging.nextPage(next, "https://h", 0, 10)).isEmpty();
        assertThat(HarborPaging.nextPage("</api/v2.0/projects?page=1&page_size=10>; rel=\"prev\"", "https://h", 10, 10)).isEmpty();
        assertThat(HarborPaging.nextPage(null, "https://h", 10, 10)).isEmpty();
    }

    @Test
    void aNextLinkToAnotherHostIsRefused() {
        assertThatThrownBy(() -> HarborPaging.nextPage("<https://evil.example.com/api/v2.0/projects?page=2>; rel=\"next\"",
                "https://harbor.example.com", 10, 10)).hasMessageContaining("another host");
        assertThat(HarborPaging.nextPage("<https://harbor.example.com/api/v2.0/projects?page=2>; rel=\"next\"",
                "https://harbor.example.com", 10, 10)).isPresent();
    }

    @Test
    void nestedRepositoryNamesAreDoubleEncodedWithoutTheirProject() {
        assertThat(HarborPaging.repositorySegment("team", "team/backend/api")).isEqualTo("backend%252Fapi");
        assertThat(HarborPaging.repositorySegment("library", "library/nginx")).isEqualTo("nginx");
    }

    @Test
    void versionDecidesTheListingCall() {
        assertThat(HarborVersion.parse("v2.13.1-abcdef12").orElseThrow().hasProjectArtifactList()).isTrue();
        assertThat(HarborVersion.parse("v2.11.0-abcdef12").orElseThrow().hasProjectArtifactList()).isFalse();
        assertThat(HarborVersion.parse("dev")).isEmpty();
    }

    @Test
    void selectsASuccessfulImageScanWithNullTagsAndEitherReportFormat() throws Exception {
        JsonNode artifact = read("{'digest':'sha256:aa','repository_name':'p/r','type':'IMAGE','tags':null,'labels':null,"
                + "'scan_overview':{'" + ReportMimeTypes.V1_0 + "':{'report_id':'r1','scan_status':'Success',"
                + "'start_time':'0001-01-01T00:00:00.000Z','end_time':'2025-02-01T10:00:00.508Z',"
                + "'scanner':{'name':'Clair','vendor':'CoreOS'},'summary':{'total':3,'fixable':0,'summary':{}}}}}");

        ArtifactSelector.Decision d = selector.decide(artifact, "7", "p", null, window, false);

        assertThat(d).isInstanceOf(ArtifactSelector.Selected.class);
        ScannedArtifact a = ((ArtifactSelector.Selected) d).artifact();
        assertThat(a.tags()).isEmpty();
        assertThat(a.scan().startTime()).isNull();
        assertThat(a.scan().endTime()).isEqualTo("2025-02-01T10:00:00.508Z");
        assertThat(a.scan().scannerName()).isEqualTo("Clair");
        assertThat(a.scan().findingsTotal()).isEqualTo(3);
    }

    @Test
    void skipsWhatIsNotACompletedImageScanInsideTheWindow() throws Exception {
        String ok = "'digest':'sha256:aa','repository_name':'p/r'";
        assertSkip("{" + ok + ",'type':'CHART'}", ArtifactSelector.Skip.NOT_IMAGE);
        assertSkip("{" + ok + ",'type':'IMAGE'}", ArtifactSelector.Skip.NOT_SCANNED);
        assertSkip("{" + ok + ",'type':'IMAGE','scan_overview':{}}", ArtifactSelector.Skip.NOT_SCANNED);
        assertSkip("{" + ok + ",'type':'IMAGE','scan_overview':{'" + ReportMimeTypes.V1_1 + "':{'report_id':'r','scan_status':'Running',"
                + "'end_time':'0001-01-01T00:00:00.000Z'}}}", ArtifactSelector.Skip.SCAN_NOT_FINISHED);
        assertSkip("{" + ok + ",'type':'IMAGE','scan_overview':{'" + ReportMimeTypes.V1_1 + "':{'report_id':'r','scan_status':'Error',"
                + "'end_time':'2025-02-01T00:00:00.000Z'}}}", ArtifactSelector.Skip.SCAN_NOT_SUCCESSFUL);
        assertSkip("{" + ok + ",'type':'IMAGE','scan_overview':{'" + ReportMimeTypes.V1_1 + "':{'report_id':'r','scan_status':'Success',"
                + "'end_time':'2024-12-31T23:59:59.000Z'}}}", ArtifactSelector.Skip.BEFORE_WINDOW);
        assertSkip("{" + ok + ",'type':'IMAGE','scan_overview':{'" + ReportMimeTypes.V1_1 + "':{'scan_status':'Success',"
                + "'end_time':'0001-01-01T00:00:00.000Z'}}}", ArtifactSelector.Skip.MALFORMED);
        assertSkip("{'type':'IMAGE'}", ArtifactSelector.Skip.MALFORMED);
    }

    @Test
    void aWebhookCycleAlsoSelectsFailedAndStoppedScansTakingTheArtifactsProjectId() throws Exception {
        for (String status : new String[]{"Error", "Stopped"}) {
            JsonNode artifact = read("{'digest':'sha256:aa','repository_name':'p/r','type':'IMAGE','project_id':9,"
                    + "'scan_overview':{'" + ReportMimeTypes.V1_1 + "':{'report_id':'r1','scan_status':'" + status + "',"
                    + "'start_time':'2025-02-01T09:59:00.000Z','end_time':'2025-02-01T10:00:00.000Z'}}}");
            assertThat(selector.decide(artifact, null, "p", null, Instant.EPOCH, true))
                    .isInstanceOfSatisfying(ArtifactSelector.Selected.class, s -> {
                        assertThat(s.artifact().scan().status()).isEqualTo(status);
                        assertThat(s.artifact().scan().successful()).isFalse();
                        assertThat(s.artifact().projectId()).isEqualTo("9");
                    });
        }
    }

    private void assertSkip(String artifact, ArtifactSelector.Skip why) throws Exception {
        assertThat(selector.decide(read(artifact), "1", "p", null, window, false))
                .isInstanceOfSatisfying(ArtifactSelector.Skipped.class, s -> assertThat(s.why()).isEqualTo(why));
    }

    @Test
    void repositoryFilterIsApplied() throws Exception {
        ArtifactSelector filtered = new ArtifactSelector("h", new NameFilter("p/*", "p/tmp-*"));
        String overview = ",'type':'IMAGE','scan_overview':{'" + ReportMimeTypes.V1_1 + "':{'report_id':'r','scan_status':'Success','end_time':'2025-02-01T00:00:00.000Z'}}}";
        assertThat(filtered.decide(read("{'digest':'sha256:a','repository_name':'p/tmp-x'" + overview), "1", "p", null, window, false))
                .isInstanceOf(ArtifactSelector.Skipped.class);
        assertThat(filtered.decide(read("{'digest':'sha256:a','repository_name':'p/team/app'" + overview), "1", "p", null, window, false))
                .isInstanceOf(ArtifactSelector.Selected.class);
    }

    @Test
    void reportQuirksAreCleanedAndBrokenEntriesRejected() throws Exception {
        byte[] body = bytes("{'" + ReportMimeTypes.V1_1 + "':{'scanner':{'name':'Trivy','vendor':'Aqua Security'},'vulnerabilities':["
                + "{'id':'CVE-2024-1','package':'openssl','version':'3.0','fix_version':'','severity':'High','links':[''],'cwe_ids':[''],"
                + "'preferred_cvss':{'score_v3':null,'vector_v3':''},"
                + "'vendor_attributes':{'CVSS':{'nvd':{'V3Score':7.1,'V3Vector':'CVSS:3.0/AV:N'}}}},"
                + "{'id':'CVE-2024-2','package':'zlib','version':'1.2','fix_version':'1.3','severity':'Critical',"
                + "'preferred_cvss':{'score_v3':9.8,'vector_v3':'CVSS:3.1/AV:N'},'cwe_ids':['CWE-190'],'vendor_attributes':null},"
                + "{'package':'no-id','version':'1'}]}}");

        ReportParser.Report report = ReportParser.parse(body);

        assertThat(report.present()).isTrue();
        assertThat(report.scannerVendor()).isEqualTo("Aqua Security");
        assertThat(report.vulnerabilities()).containsExactly(
                new Vulnerability("CVE-2024-1", "openssl", "3.0", null, "High", null, 7.1, "CVSS:3.0/AV:N", List.of()),
                new Vulnerability("CVE-2024-2", "zlib", "1.2", "1.3", "Critical", null, 9.8, "CVSS:3.1/AV:N", List.of("CWE-190")));
        assertThat(report.rejected()).singleElement().satisfies(r -> assertThat(r.raw()).contains("no-id"));
    }

    @Test
    void thePreferredFormatWinsWhereverItStandsAndARejectKeepsItsExactJson() throws Exception {
        byte[] body = bytes("{'" + ReportMimeTypes.V1_0 + "':{'vulnerabilities':[{'id':'OLD','package':'p','version':'1'}]},"
                + "'x-unknown':{'vulnerabilities':[{'id':'NO'}]},"
                + "'" + ReportMimeTypes.V1_1 + "':{'vulnerabilities':[{'cve_id':'CVE-1','package':'p','version':1,"
                + "'desc':'d','fixed_version':'2','cvss_v3_score':5.5,'extra':{'deep':[1,{'x':null}]}},"
                + "{'id':'','package':'q','note':'caf\\u00e9 – ü'}]}}");

        ReportParser.Report report = ReportParser.parse(body);

        assertThat(report.vulnerabilities()).containsExactly(
                new Vulnerability("CVE-1", "p", "1", "2", null, JsonString.of("d"), 5.5, null, List.of()));
        assertThat(report.rejected()).singleElement()
                .satisfies(r -> assertThat(r.raw()).isEqualTo("{\"id\":\"\",\"package\":\"q\",\"note\":\"caf\\u00e9 – ü\"}"));
    }

    @Test
    void aReportCutOffOnTheWayIsAnErrorNotAnEmptyReport() {
        byte[] body = bytes("{'" + ReportMimeTypes.V1_1 + "':{'vulnerabilities':[{'id':'CVE-1','package':'p','vers");
        assertThatThrownBy(() -> ReportParser.parse(body)).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void emptyReportAndNullVulnerabilitiesAreNotErrors() throws Exception {
        assertThat(ReportParser.parse(bytes("{}")).present()).isFalse();
        ReportParser.Report nullList = ReportParser.parse(bytes("{'" + ReportMimeTypes.V1_0 + "':{'vulnerabilities':null}}"));
        assertThat(nullList.present()).isTrue();
        assertThat(nullList.vulnerabilities()).isEmpty();
    }

    @Test
    void harborZeroTimeMeansAbsent() {
        assertThat(HarborTime.parse("0001-01-01T00:00:00Z")).isEmpty();
        assertThat(HarborTime.parse("2021-03-16T07:42:43.132206Z")).contains(Instant.parse("2021-03-16T07:42:43.132206Z"));
        assertThat(HarborTime.parse("garbage")).isEmpty();
    }
}
