package io.github.harbordt.blackbox;

import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.HarborWebhooks;
import io.github.harbordt.support.Registries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook receiver treats its input as untrusted: names that are not Harbor's never reach a Harbor URL (400 with
 * the reason), bodies over webhook.max-body-size get 413 whatever their size and however they are sent, and a webhook
 * for an artifact Harbor no longer has is one INFO line. The packaged jar with the README's webhook variables.
 */
class WebhookAbuseIT {

    private static final String SECRET = "another-long-random-webhook-secret";
    private static final String RECEIVER = "http://127.0.0.1:8090/harbor/webhook/default";
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path work;

    @Test
    void hostileNamesOversizedBodiesAndGoneArtifacts() throws Exception {
        SimulatedRegistry r = Registries.empty("v2.13.2-a1b2c3d4");
        r.project("library", false);
        SimulatedRegistry.Artifact app = r.push("library/app", Registries.digest(1), "IMAGE", List.of("1"),
                Registries.success(Instant.now().minusSeconds(60), Registries.vulns(1)));
        try (FakeHarbor harbor = new FakeHarbor(r); FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.ABUSE");
             PackagedJar connector = PackagedJar.start(work, PackagedJar.connecting(harbor, dynatrace,
                     "WEBHOOK_ENABLED", "true", "HARBOR_WEBHOOK_SECRET", SECRET))) {
            connector.awaitLine("' cycle delivered", Duration.ofSeconds(60));
            int harborRequests = harbor.requestLog().size();

            String valid = HarborWebhooks.scanEvent("SCANNING_COMPLETED", app, HarborWebhooks.Format.DEFAULT);
            String traversal = valid.replace(app.digest(), "sha256:x/../../../../systeminfo?");
            HttpResponse<String> answer = post(traversal.getBytes(), false);
            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(answer.body()).contains("is not algorithm:hex");
            answer = post(valid.replace("\"library/app\"", "\"library/../../users\""), false);
            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(answer.body()).contains("repository name");
            assertThat(harbor.requestLog().subList(harborRequests, harbor.requestLog().size()))
                    .as("no Harbor call for a refused webhook").noneMatch(p -> p.contains("systeminfo?") || p.contains(".."));

            for (int size : new int[] {2_000_000, 20_000_000}) {
                byte[] big = new byte[size];
                java.util.Arrays.fill(big, (byte) ' ');
                assertThat(post(big, false).statusCode()).as(size + " bytes with a length").isEqualTo(413);
                assertThat(post(big, true).statusCode()).as(size + " bytes chunked").isEqualTo(413);
            }

            r.delete(app);
            assertThat(post(valid.getBytes(), false).statusCode()).isEqualTo(202);
            connector.awaitLine("the artifact no longer exists", Duration.ofSeconds(20));

            String output = connector.output();
            assertThat(output).doesNotContain("ERROR").doesNotContain("\tat ").doesNotContain("Exception");
            assertThat(connector.lines("refused with 413")).hasSize(4);
            assertThat(connector.terminate(Duration.ofSeconds(60))).isZero();
        }
    }

    private HttpResponse<String> post(String body, boolean chunked) throws Exception {
        return post(body.getBytes(), chunked);
    }

    /** Chunked: no Content-Length, so the receiver learns the size only while reading. */
    private HttpResponse<String> post(byte[] body, boolean chunked) throws Exception {
        HttpRequest.BodyPublisher publisher = chunked
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body);
        return http.send(HttpRequest.newBuilder(URI.create(RECEIVER)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + SECRET).header("Content-Type", "application/json")
                .POST(publisher).build(), HttpResponse.BodyHandlers.ofString());
    }
}
