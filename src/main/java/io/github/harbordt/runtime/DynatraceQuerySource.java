package io.github.harbordt.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.harbordt.auth.DynatraceCredentials;
import io.github.harbordt.config.Proxies;
import io.github.harbordt.config.RuntimeSettings;
import io.github.harbordt.config.StageRules;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The running containers OneAgent reports, from Dynatrace's Grail query API ({@code runtime.<name>.source=dynatrace}):
 * the configured DQL is started with {@code query:execute} and, while Grail still works on it, followed with
 * {@code query:poll}; each row (digest, status, and where it runs) becomes a running container of the inventory, so
 * hosts with OneAgent and no Kubernetes access give runtime context too. It authenticates with a platform token or an
 * OAuth client's access token. A failure names the setting to fix; no token or secret ever appears in it.
 */
public final class DynatraceQuerySource implements InventorySource {

    static final String EXECUTE = "/platform/storage/query/v1/query:execute";
    static final String POLL = "/platform/storage/query/v1/query:poll";
    /** How long one request waits for Grail before answering with the query's state. */
    private static final int WAIT_MILLIS = 5_000;

    private final String cluster;
    private final StageRules stages;
    private final RuntimeSettings.DynatraceQuery settings;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final DynatraceCredentials credentials;

    public DynatraceQuerySource(RuntimeSettings.Cluster cluster) {
        this.cluster = cluster.name();
        this.stages = cluster.stages();
        this.settings = cluster.dynatrace();
        this.timeout = cluster.requestTimeout();
        this.http = Proxies.jdkClient(timeout).build();
        String name = "runtime." + this.cluster;
        this.credentials = settings.clientId().isEmpty() ? DynatraceCredentials.token(settings.token())
                : DynatraceCredentials.oauth(settings.clientId(), settings.clientSecret(), settings.tokenUrl(),
                "storage:entities:read", name + ".dynatrace-oauth-client-id and -client-secret (DT_OAUTH_CLIENT_ID, "
                        + "DT_OAUTH_CLIENT_SECRET), and " + name + ".dynatrace-oauth-token-url,", timeout);
    }

    @Override
    public String cluster() {
        return cluster;
    }

    @Override
    public StageRules stages() {
        return stages;
    }

    @Override
    public void list(RuntimeInventory.ClusterListing into) throws IOException, InterruptedException {
        JsonNode records = records();
        if (records.size() >= settings.maxRows()) {
            throw new IOException("runtime." + cluster + ": Dynatrace returned " + records.size() + " rows, the limit of "
                    + "runtime." + cluster + ".dynatrace-max-rows; raise it or narrow runtime." + cluster + ".dynatrace-query");
        }
        for (JsonNode r : records) {
            String digest = text(r, "digest");
            String status = text(r, "status");
            if (digest == null || status == null || !status.toLowerCase(Locale.ROOT).equals("running")) {
                continue;
            }
            String workloadName = text(r, "workload_name");
            String kind = text(r, "workload_kind");
            into.container(digest, text(r, "cluster"), text(r, "namespace"),
                    workloadName == null ? new Workload("Container", "unknown") : new Workload(kind == null ? "Workload" : kind, workloadName),
                    text(r, "stage"));
        }
    }

    private JsonNode records() throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("query", settings.query());
        body.put("requestTimeoutMilliseconds", WAIT_MILLIS);
        body.put("maxResultRecords", settings.maxRows());
        JsonNode answer = send(HttpRequest.newBuilder(URI.create(settings.url() + EXECUTE))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))), "execute the query");
        // the token comes with the start; a poll's answer need not repeat it
        String token = URLEncoder.encode(answer.path("requestToken").asText(), StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + timeout.toNanos() * 10;
        while (!"SUCCEEDED".equals(answer.path("state").asText())) {
            String state = answer.path("state").asText();
            if (!state.equals("RUNNING") && !state.equals("NOT_STARTED")) {
                throw new IOException("runtime." + cluster + ": Dynatrace's query ended " + state + ": "
                        + answer.path("error").path("message").asText(answer.toString()));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("runtime." + cluster + ": Dynatrace's query still ran after " + timeout.multipliedBy(10)
                        + " (ten times runtime." + cluster + ".request-timeout); narrow runtime." + cluster + ".dynatrace-query");
            }
            answer = send(HttpRequest.newBuilder(URI.create(settings.url() + POLL + "?request-token=" + token
                    + "&request-timeout-milliseconds=" + WAIT_MILLIS)).GET(), "poll the query");
        }
        return answer.path("result").path("records");
    }

    private JsonNode send(HttpRequest.Builder request, String what) throws IOException, InterruptedException {
        String authorization;
        try {
            authorization = credentials.authorization();
        } catch (IOException e) {
            throw new IOException("runtime." + cluster + ": " + e.getMessage(), e);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.timeout(timeout.plusMillis(WAIT_MILLIS))
                    .header("Authorization", authorization).header("Accept", "application/json").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IOException("runtime." + cluster + ": Dynatrace at " + settings.url() + " is unreachable (" + e
                    + "): check runtime." + cluster + ".dynatrace-url (DT_PLATFORM_URL)", e);
        }
        int status = response.statusCode();
        JsonNode body = response.body().length == 0 ? json.nullNode() : readOrText(response.body());
        String where = "runtime." + cluster + ": Dynatrace answered " + status + " when asked to " + what;
        String message = body.path("error").path("message").asText("");
        return switch (status) {
            case 200, 202 -> body;
            case 400 -> throw new IOException(where + ": the query was refused (" + message + "); check runtime."
                    + cluster + ".dynatrace-query");
            case 401 -> throw new IOException(where + ": the token was not accepted; set runtime." + cluster
                    + ".dynatrace-token (DT_PLATFORM_TOKEN) to a platform token, or the OAuth client settings");
            case 403 -> throw new IOException(where + ": the token lacks a permission (" + message + "); give it "
                    + "storage:entities:read");
            case 404, 410 -> throw new IOException(where + ": no such endpoint or query (" + message + "); check runtime."
                    + cluster + ".dynatrace-url (DT_PLATFORM_URL, e.g. https://abc12345.apps.dynatrace.com)");
            default -> throw new IOException(where + " (" + message + "); tried again at the next refresh");
        };
    }

    private JsonNode readOrText(byte[] body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            return json.getNodeFactory().textNode(new String(body, StandardCharsets.UTF_8));
        }
    }

    private static String text(JsonNode record, String field) {
        JsonNode v = record.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        // a field Grail returns as a list (one value per joined row) gives its first value
        JsonNode value = v.isArray() ? v.path(0) : v;
        String s = value.asText(null);
        return s == null || s.isBlank() ? null : s;
    }
}
