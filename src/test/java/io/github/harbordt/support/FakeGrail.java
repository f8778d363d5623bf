package io.github.harbordt.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Dynatrace's Grail query API on loopback, as its reference describes it: {@code POST query:execute} answers 200 with
 * the result when the query finished within the request, or 202 with {@code state RUNNING} and a request token;
 * {@code GET query:poll?request-token=} answers the state, and the result once {@code SUCCEEDED}. Bearer tokens only;
 * 401 for another token, 403 when the token lacks {@code storage:entities:read}, 400 for a query it refuses, 410 for
 * an unknown request token. The records are the test's.
 */
public final class FakeGrail implements AutoCloseable {

    private volatile String lastScope;

    private final HttpServer server;
    private final ObjectMapper json = new ObjectMapper();
    private final String token;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile List<Map<String, Object>> records = List.of();
    private volatile boolean entitiesScope = true;
    private volatile String refusal;
    private volatile int pollsBeforeResult;
    private final AtomicInteger pollsLeft = new AtomicInteger();
    private volatile JsonNode lastQuery;
    private volatile String clientId;
    private volatile String clientSecret;
    private final AtomicInteger tokenRequests = new AtomicInteger();

    public FakeGrail(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/platform/storage/query/v1/", this::handle);
        server.createContext("/sso/oauth2/token", this::token);
        server.start();
    }

    /** The OAuth client whose client-credentials grant gets the accepted token as its access token. */
    public void oauthClient(String id, String secret) {
        this.clientId = id;
        this.clientSecret = secret;
    }

    public String tokenUrl() {
        return url() + "/sso/oauth2/token";
    }

    /** The permissions the last token request asked for. */
    public String lastScope() {
        return lastScope;
    }

    public int tokenRequests() {
        return tokenRequests.get();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void records(List<Map<String, Object>> rows) {
        this.records = List.copyOf(rows);
    }

    /** The query keeps running for this many polls after it was started. */
    public void pollsBeforeResult(int polls) {
        this.pollsBeforeResult = polls;
    }

    public void withoutEntitiesScope() {
        entitiesScope = false;
    }

    public void refuseQueries(String message) {
        refusal = message;
    }

    /** Method and path of every request, in order. */
    public List<String> requests() {
        return requests;
    }

    public JsonNode lastQuery() {
        return lastQuery;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            requests.add(ex.getRequestMethod() + " " + path.substring(path.lastIndexOf('/') + 1));
            if (!("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(ex, 401, error(401, "Authentication required"));
            } else if (!entitiesScope) {
                send(ex, 403, error(403, "Missing permission 'storage:entities:read'"));
            } else if (path.endsWith("query:execute") && ex.getRequestMethod().equals("POST")) {
                lastQuery = json.readTree(ex.getRequestBody());
                if (refusal != null) {
                    send(ex, 400, error(400, refusal));
                } else if (pollsBeforeResult == 0) {
                    send(ex, 200, succeeded());
                } else {
                    pollsLeft.set(pollsBeforeResult - 1);
                    send(ex, 202, Map.of("state", "RUNNING", "requestToken", "tok/1+=", "ttlSeconds", 60));
                }
            } else if (path.endsWith("query:poll") && ex.getRequestMethod().equals("GET")) {
                String query = ex.getRequestURI().getRawQuery();
                if (query == null || !query.contains("request-token=tok%2F1%2B%3D")) {
                    send(ex, 410, error(410, "Unknown request token in " + query));
                } else if (pollsLeft.getAndDecrement() > 0) {
                    send(ex, 200, Map.of("state", "RUNNING", "progress", 50));
                } else {
                    send(ex, 200, succeeded());
                }
            } else {
                send(ex, 404, error(404, "Not found"));
            }
        }
    }

    /** Dynatrace SSO's client-credentials grant, form-encoded. */
    private void token(HttpExchange ex) throws IOException {
        try (ex) {
            tokenRequests.incrementAndGet();
            Map<String, String> form = new java.util.HashMap<>();
            for (String pair : new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("&")) {
                String[] kv = pair.split("=", 2);
                form.put(java.net.URLDecoder.decode(kv[0], java.nio.charset.StandardCharsets.UTF_8),
                        kv.length < 2 ? "" : java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8));
            }
            lastScope = form.getOrDefault("scope", "");
            if (!"client_credentials".equals(form.get("grant_type")) || clientId == null
                    || !clientId.equals(form.get("client_id")) || !clientSecret.equals(form.get("client_secret"))) {
                send(ex, 400, Map.of("error", "invalid_client", "error_description", "client authentication failed"));
            } else {
                send(ex, 200, Map.of("access_token", token, "token_type", "Bearer", "expires_in", 300,
                        "scope", form.getOrDefault("scope", "")));
            }
        }
    }

    private Map<String, Object> succeeded() {
        return Map.of("state", "SUCCEEDED", "progress", 100, "result", Map.of("records", records, "types", List.of(),
                "metadata", Map.of("grail", Map.of("scannedRecords", records.size()))));
    }

    private static Map<String, Object> error(int code, String message) {
        return Map.of("error", Map.of("code", code, "message", message, "details", Map.of()));
    }

    private void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
