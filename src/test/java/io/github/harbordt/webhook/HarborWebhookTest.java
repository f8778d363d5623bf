package io.github.harbordt.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Both webhook payload formats and the scan-event quirks of harbor-api.md §9.4-9.6, without Camel. */
class HarborWebhookTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ObjectMapper json = JSON;

    private JsonNode body(String text) throws Exception {
        return json.readTree(text.replace('\'', '"'));
    }

    @Test
    void theDefaultFormatOfACompletedScan() throws Exception {
        HarborWebhook w = HarborWebhook.parse(body("{'type':'SCANNING_COMPLETED','occur_at':1722222222,'operator':'auto',"
                + "'event_data':{'resources':[{'digest':'sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa','tag':'1.0','resource_url':'harbor.example.com/library/app:1.0',"
                + "'scan_overview':{'application/vnd.security.vulnerability.report; version=1.1':{'scan_status':'Running'}}}],"
                + "'repository':{'name':'team/app','namespace':'library','repo_full_name':'library/team/app','repo_type':'private'},"
                + "'scan':{'scan_type':'vulnerability'}}}"));

        assertThat(w.kind()).isEqualTo(HarborWebhook.Kind.SCAN_COMPLETED);
        assertThat(w.occurredAt()).isEqualTo(Instant.ofEpochSecond(1722222222));
        assertThat(w.projectName()).isEqualTo("library");
        assertThat(w.repository()).isEqualTo("library/team/app");
        assertThat(w.artifacts()).containsExactly(new HarborWebhook.Artifact("sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "1.0"));
    }

    @Test
    void theCloudEventsFormatOfAFailedScanFromAScanAllWithoutOverviewOrTag() throws Exception {
        HarborWebhook w = HarborWebhook.parse(body("{'specversion':'1.0','id':'5f0c','source':'/projects/2/webhook/policies/7',"
                + "'type':'harbor.scan.failed','datacontenttype':'application/json','time':'2025-07-29T03:00:23Z',"
                + "'data':{'resources':[{'digest':'sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb','resource_url':'harbor.example.com/library/app@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'}],"
                + "'repository':{'name':'app','namespace':'library','repo_full_name':'library/app'},'scan':{}},"
                + "'requestid':'','operator':'harbor-jobservice'}"));

        assertThat(w.kind()).isEqualTo(HarborWebhook.Kind.SCAN_FAILED);
        assertThat(w.occurredAt()).isEqualTo(Instant.parse("2025-07-29T03:00:23Z"));
        assertThat(w.artifacts()).containsExactly(new HarborWebhook.Artifact("sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", null));
    }

    @Test
    void duplicateDigestsAndEmptyTagsOfOlderHarborsCollapse() throws Exception {
        HarborWebhook w = HarborWebhook.parse(body("{'type':'SCANNING_STOPPED','occur_at':1,'event_data':{'resources':["
                + "{'digest':'sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc','tag':''},{'digest':'sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc','tag':''},{'digest':'sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd','tag':'sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd'}],"
                + "'repository':{'name':'app','namespace':'p'}}}"));

        assertThat(w.kind()).isEqualTo(HarborWebhook.Kind.SCAN_STOPPED);
        assertThat(w.repository()).isEqualTo("p/app");
        assertThat(w.artifacts()).containsExactly(new HarborWebhook.Artifact("sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", null),
                new HarborWebhook.Artifact("sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd", null));
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
                + "[{'digest':'sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'}]}}"))).hasMessageContaining("without a repository");
    }

    @Test
    void namesThatAreNotHarborsAreRefusedBeforeAnyHarborCall() {
        String ok = "sha256:" + "a".repeat(64);
        for (String digest : new String[] {"sha256:x/../../../../systeminfo?", "sha256:" + "a".repeat(63), "md5:abc",
                "sha256:" + "A".repeat(64) + "/x", "sha256:" + "a".repeat(64) + "?q=1"}) {
            assertThatThrownBy(() -> HarborWebhook.parse(scan("library", "library/app", digest)))
                    .as(digest).hasMessageContaining("is not algorithm:hex");
        }
        assertThatThrownBy(() -> HarborWebhook.parse(scan("../admin", "../admin/app", ok))).hasMessageContaining("project name");
        assertThatThrownBy(() -> HarborWebhook.parse(scan("library", "library/../../systeminfo", ok)))
                .hasMessageContaining("repository name");
        assertThatThrownBy(() -> HarborWebhook.parse(scan("library", "library/App%2F", ok))).hasMessageContaining("repository name");
        assertThatThrownBy(() -> HarborWebhook.parse(scan("library", "other/app", ok))).hasMessageContaining("not in project");
        assertThat(HarborWebhook.parse(scan("team-a", "team-a/backend/api_v2", ok)).repository()).isEqualTo("team-a/backend/api_v2");
    }

    private static JsonNode scan(String project, String repository, String digest) {
        ObjectNode body = JSON.createObjectNode().put("type", "SCANNING_COMPLETED").put("occur_at", 1);
        ObjectNode data = body.putObject("event_data");
        data.putArray("resources").addObject().put("digest", digest);
        data.putObject("repository").put("namespace", project).put("repo_full_name", repository);
        return body;
    }
}
