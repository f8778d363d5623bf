package io.github.harbordt.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Both webhook payload formats and the scan-event quirks of harbor-api.md §9.4-9.6, without Camel. */
class HarborWebhookTest {

    private final ObjectMapper json = new ObjectMapper();

    private JsonNode body(String text) throws Exception {
        return json.readTree(text.replace('\'', '"'));
    }

    @Test
    void theDefaultFormatOfACompletedScan() throws Exception {
        HarborWebhook w = HarborWebhook.parse(body("{'type':'SCANNING_COMPLETED','occur_at':1722222222,'operator':'auto',"
                + "'event_data':{'resources':[{'digest':'sha256:aa','tag':'1.0','resource_url':'harbor.example.com/library/app:1.0',"
                + "'scan_overview':{'application/vnd.security.vulnerability.report; version=1.1':{'scan_status':'Running'}}}],"
                + "'repository':{'name':'team/app','namespace':'library','repo_full_name':'library/team/app','repo_type':'private'},"
                + "'scan':{'scan_type':'vulnerability'}}}"));

        assertThat(w.kind()).isEqualTo(HarborWebhook.Kind.SCAN_COMPLETED);
        assertThat(w.occurredAt()).isEqualTo(Instant.ofEpochSecond(1722222222));
        assertThat(w.projectName()).isEqualTo("library");
        assertThat(w.repository()).isEqualTo("library/team/app");
        assertThat(w.artifacts()).containsExactly(new HarborWebhook.Artifact("sha256:aa", "1.0"));
    }

    @Test
    void theCloudEventsFormatOfAFailedScanFromAScanAllWithoutOverviewOrTag() throws Exception {
        HarborWebhook w = HarborWebhook.parse(body("{'specversion':'1.0','id':'5f0c','source':'/projects/2/webhook/policies/7',"
                + "'type':'harbor.scan.failed','datacontenttype':'application/json','time':'2025-07-29T03:00:23Z',"
                + "'data':{'resources':[{'digest':'sha256:bb','resource_url':'harbor.example.com/library/app@sha256:bb'}],"
                + "'repository':{'name':'app','namespace':'library','repo_full_name':'library/app'},'scan':{}},"
                + "'requestid':'','operator':'harbor-jobservice'}"));

        assertThat(w.kind()).isEqualTo(HarborWebhook.Kind.SCAN_FAILED);
        assertThat(w.occurredAt()).isEqualTo(Instant.parse("2025-07-29T03:00:23Z"));
        assertThat(w.artifacts()).containsExactly(new HarborWebhook.Artifact("sha256:bb", null));
    }

    @Test
    void duplicateDigestsAndEmptyTagsOfOlderHarborsCollapse() throws Exception {
        HarborWebhook w = HarborWebhook.parse(body("{'type':'SCANNING_STOPPED','occur_at':1,'event_data':{'resources':["
                + "{'digest':'sha256:cc','tag':''},{'digest':'sha256:cc','tag':''},{'digest':'sha256:dd','tag':'sha256:dd'}],"
                + "'repository':{'name':'app','namespace':'p'}}}"));

        assertThat(w.kind()).isEqualTo(HarborWebhook.Kind.SCAN_STOPPED);
        assertThat(w.repository()).isEqualTo("p/app");
        assertThat(w.artifacts()).containsExactly(new HarborWebhook.Artifact("sha256:cc", null),
                new HarborWebhook.Artifact("sha256:dd", null));
    }

    @Test
    void otherEventsAreReadAsOtherAndBrokenOnesAreRefusedWithTheReason() throws Exception {
        assertThat(HarborWebhook.parse(body("{'type':'PUSH_ARTIFACT','occur_at':1,'event_data':{}}")).kind())
                .isEqualTo(HarborWebhook.Kind.OTHER);
        assertThat(HarborWebhook.parse(body("{'specversion':'1.0','type':'harbor.artifact.pulled','data':{}}")).kind())
                .isEqualTo(HarborWebhook.Kind.OTHER);
        assertThatThrownBy(() -> HarborWebhook.parse(body("[1]"))).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> HarborWebhook.parse(body("{'event_data':{}}"))).hasMessageContaining("'type'");
        assertThatThrownBy(() -> HarborWebhook.parse(body("{'type':'SCANNING_COMPLETED','event_data':{'resources':[],"
                + "'repository':{'name':'a','namespace':'p'}}}"))).hasMessageContaining("no artifact digest");
        assertThatThrownBy(() -> HarborWebhook.parse(body("{'type':'SCANNING_COMPLETED','event_data':{'resources':"
                + "[{'digest':'sha256:aa'}]}}"))).hasMessageContaining("without a repository");
    }
}
