package io.github.harbordt.kamelet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.harbordt.config.HarborInstance;
import io.github.harbordt.config.Proxies;
import io.github.harbordt.harbor.HarborException;
import io.github.harbordt.harbor.HarborPaging;
import io.github.harbordt.harbor.HarborRequests;
import io.github.harbordt.harbor.HarborRetryableException;
import io.github.harbordt.harbor.HarborUrls;
import io.github.harbordt.harbor.HarborVersion;
import io.github.harbordt.harbor.ReportParser;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Kamelet sources' Harbor reads: the connector's headers, paging and error messages, over the JDK's client, since a
 * Kamelet's bean has no route of its own to send through. One attempt per call: a failed poll is simply the next
 * poll's work, the sources keep their mark until a poll completes.
 */
final class HarborReader {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String url;
    private final String username;
    private final String password;
    private final HarborUrls urls;
    private final int pageSize;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = Proxies.jdkClient(TIMEOUT).build();

    HarborReader(String url, String username, String password, int pageSize) {
        this.url = url.replaceAll("/+$", "");
        this.username = username;
        this.password = password;
        this.pageSize = pageSize;
        this.urls = new HarborUrls(this.url, pageSize);
    }

    HarborUrls urls() {
        return urls;
    }

    String registry() {
        return HarborInstance.hostOf(url);
    }

    HarborVersion version() throws IOException, InterruptedException {
        String text = get(urls.systemInfo()).body().path("harbor_version").asText(null);
        return HarborVersion.parse(text).orElseThrow(() -> new HarborException(
                "Harbor at " + url + " answered /systeminfo without a harbor_version: check harborUrl and the robot account", 200));
    }

    /** Every item of a listing, page by page along Harbor's {@code Link} header. */
    List<JsonNode> all(String firstPage) throws IOException, InterruptedException {
        List<JsonNode> items = new ArrayList<>();
        Optional<String> next = Optional.of(firstPage);
        while (next.isPresent()) {
            Answer page = get(next.get());
            if (!page.body().isArray()) {
                throw new HarborException("Harbor at " + url + " answered " + next.get() + " with something other than a list", 200);
            }
            page.body().forEach(items::add);
            next = HarborPaging.nextPage(page.link(), url, page.body().size(), pageSize);
        }
        return items;
    }

    record Answer(JsonNode body, String link) {
    }

    Answer get(String target) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = fetch(target);
        try {
            JsonNode parsed = json.readTree(response.body());
            return new Answer(parsed == null ? json.nullNode() : parsed, response.headers().firstValue("Link").orElse(null));
        } catch (JsonProcessingException e) {
            throw new HarborRetryableException(where(response, target) + " with a body that is not JSON: " + e.getOriginalMessage(), 200);
        }
    }

    /** A vulnerability report, parsed as the connector parses it. */
    ReportParser.Report report(String target) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = fetch(target);
        try {
            return ReportParser.parse(response.body());
        } catch (JsonProcessingException e) {
            throw new HarborRetryableException(where(response, target) + " with a body that is not JSON: " + e.getOriginalMessage(), 200);
        }
    }

    private HttpResponse<byte[]> fetch(String target) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target)).timeout(TIMEOUT).GET();
        HarborRequests.headers(username, password).forEach(request::header);
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw HarborRequests.failure(response.statusCode(), where(response, target), "the Kamelet's username and password",
                    HarborRequests.CRAWL_PERMISSIONS);
        }
        return response;
    }

    private String where(HttpResponse<?> response, String target) {
        return "Harbor at " + url + " answered " + response.statusCode() + " to GET " + target.substring(url.length());
    }
}
