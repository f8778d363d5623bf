package io.github.harbordt.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.harbordt.config.NameFilter;
import io.github.harbordt.harbor.ArtifactSelector;
import io.github.harbordt.harbor.HarborPaging;
import io.github.harbordt.harbor.HarborRequests;
import io.github.harbordt.harbor.HarborUrls;
import io.github.harbordt.harbor.ReportParser;
import io.github.harbordt.mapping.ScannedArtifact;
import io.github.harbordt.mapping.SecurityEventMapper;
import io.github.harbordt.mapping.Vulnerability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The floor the connector is compared with: one thread that does only the work itself, in its own cold JVM. It reads
 * the same answers from the benchmark's Harbor one request at a time, parses each report, maps every finding with the
 * connector's own mapper, and sends the events in batches of 5,000 to the same Dynatrace; no state, no retries, no
 * framework. {@code java -cp <test classpath> io.github.harbordt.bench.BenchFloor <harbor url> <dynatrace url>}
 */
public final class BenchFloor {

    private static final int BATCH = 5000;

    public static void main(String[] args) throws Exception {
        String harbor = args[0];
        String dynatrace = args[1];
        ObjectMapper json = new ObjectMapper();
        HttpClient http = HttpClient.newHttpClient();
        HarborUrls urls = new HarborUrls(harbor, 100);
        ArtifactSelector selector = new ArtifactSelector(harbor.replaceFirst("^https?://", ""), new NameFilter("", ""));
        SecurityEventMapper mapper = new SecurityEventMapper(Map.of());
        Batch batch = new Batch(http, dynatrace);
        for (JsonNode project : json.readTree(get(http, urls.projects()).body())) {
            String name = project.path("name").asText();
            Optional<String> next = Optional.of(urls.projectArtifacts(name));
            while (next.isPresent()) {
                HttpResponse<byte[]> page = get(http, next.get());
                JsonNode items = json.readTree(page.body());
                for (JsonNode artifact : items) {
                    if (selector.decide(artifact, null, name, null, Instant.EPOCH, false) instanceof ArtifactSelector.Selected s) {
                        ScannedArtifact a = s.artifact();
                        ReportParser.Report report = ReportParser.parse(get(http, urls.report(name, a.repository(), a.digest())).body());
                        batch.add(json.writeValueAsBytes(mapper.scanEvent(a, null)));
                        for (Vulnerability v : report.vulnerabilities()) {
                            batch.add(json.writeValueAsBytes(mapper.findingEvent(a, v, null)));
                        }
                    }
                }
                next = HarborPaging.nextPage(page.headers().firstValue("Link").orElse(null), harbor, items.size(), 100);
            }
        }
        batch.send();
    }

    private static HttpResponse<byte[]> get(HttpClient http, String url) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        HarborRequests.headers(BenchHarbor.ROBOT, BenchHarbor.SECRET).forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static final class Batch {
        private final HttpClient http;
        private final String url;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(8 << 20);
        private int events;

        Batch(HttpClient http, String url) {
            this.http = http;
            this.url = url + "/platform/ingest/v1/security.events";
        }

        void add(byte[] event) throws IOException, InterruptedException {
            out.write(events == 0 ? '[' : ',');
            out.write(event);
            if (++events == BATCH) {
                send();
            }
        }

        void send() throws IOException, InterruptedException {
            if (events == 0) {
                return;
            }
            out.write(']');
            http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())).build(), HttpResponse.BodyHandlers.discarding());
            out.reset();
            events = 0;
        }
    }
}
