package io.github.harbordt.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Jira's REST API as far as the connector uses it: {@code POST /rest/api/2/issue} (201 with the key) and a search by
 * label ({@code GET /rest/api/2/search?jql=labels = "x"}). It can lose the answer to a create, as a gateway timeout
 * does after Jira created the issue.
 */
public final class FakeJira implements AutoCloseable {

    static {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final List<JsonNode> issues = new CopyOnWriteArrayList<>();
    private final Map<String, List<JsonNode>> comments = new ConcurrentHashMap<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicBoolean loseNextCreateAnswer = new AtomicBoolean();

    public FakeJira() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The comments posted on the issue, in order. */
    public List<JsonNode> comments(String issueKey) {
        return comments.getOrDefault(issueKey, List.of());
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void loseNextCreateAnswer() {
        loseNextCreateAnswer.set(true);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            authorizations.add(ex.getRequestHeaders().getFirst("Authorization"));
            String path = ex.getRequestURI().getPath();
            if ("POST".equals(ex.getRequestMethod()) && path.equals("/rest/api/2/issue")) {
                JsonNode issue;
                try (InputStream in = ex.getRequestBody()) {
                    issue = json.readTree(in);
                }
                String key = "SEC-" + (issues.size() + 1);
                ((com.fasterxml.jackson.databind.node.ObjectNode) issue).put("key", key);
                issues.add(issue);
                if (loseNextCreateAnswer.getAndSet(false)) {
                    send(ex, 504, "gateway timeout");
                } else {
                    send(ex, 201, "{\"id\":\"" + issues.size() + "\",\"key\":\"" + key + "\"}");
                }
            } else if ("POST".equals(ex.getRequestMethod()) && path.matches("/rest/api/2/issue/[^/]+/comment")) {
                String key = path.split("/")[5];
                if (issues.stream().noneMatch(i -> i.path("key").asText().equals(key))) {
                    send(ex, 404, "{\"errorMessages\":[\"Issue does not exist or you do not have permission to see it.\"]}");
                    return;
                }
                try (InputStream in = ex.getRequestBody()) {
                    comments.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(json.readTree(in));
                }
                send(ex, 201, "{\"id\":\"" + System.nanoTime() + "\"}");
            } else if ("GET".equals(ex.getRequestMethod()) && path.equals("/rest/api/2/search")) {
                String jql = URLDecoder.decode(ex.getRequestURI().getRawQuery().replaceAll(".*jql=([^&]*).*", "$1"), StandardCharsets.UTF_8);
                String label = jql.replaceAll("labels = \"(.*)\"", "$1");
                List<String> keys = issues.stream().filter(i -> i.path("fields").path("labels").toString().contains("\"" + label + "\""))
                        .map(i -> i.path("key").asText()).toList();
                StringBuilder out = new StringBuilder("{\"total\":" + keys.size() + ",\"issues\":[");
                for (int i = 0; i < keys.size(); i++) {
                    out.append(i == 0 ? "" : ",").append("{\"key\":\"").append(keys.get(i)).append("\"}");
                }
                send(ex, 200, out.append("]}").toString());
            } else {
                send(ex, 404, "{}");
            }
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] out = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, out.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(out);
        }
    }

    public List<JsonNode> issues() {
        return List.copyOf(issues);
    }

    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
