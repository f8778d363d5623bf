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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback Dynatrace with the two ingest endpoints the connector uses, {@code Authorization: Api-Token <token>}, 401
 * for another token:
 * <ul>
 * <li>{@code POST /platform/ingest/v1/security.events}: 202 for an accepted JSON array, 413 above the body limit, 400
 * for a body that is not a JSON array of objects with {@code event.type};</li>
 * <li>{@code POST /api/v2/logs/ingest}: 204 when every record was kept; 200 with {@code {"details":{...}}} when records
 * broke a per-record limit (value over 32 kB, over 500 attributes, attribute name over 100 bytes, timestamp older than
 * 24 h by this server's clock) and were dropped; 413 above 10 MB or 50,000 records.</li>
 * </ul>
 * Further answers (429 with Retry-After, 503, 400, slow responses) can be scripted for the next requests.
 */
public final class FakeDynatrace implements AutoCloseable {

    public static final String PATH = "/platform/ingest/v1/security.events";
    public static final String LOGS_PATH = "/api/v2/logs/ingest";
    public static final String METRICS_PATH = "/api/v2/metrics/ingest";
    public static final String EVENTS_PATH = "/api/v2/events/ingest";

    /** One accepted request. */
    public record Request(long nanoTime, int bytes, List<JsonNode> events) {
    }

    private record Scripted(int status, String retryAfter, String body, Duration delay) {
    }

    static {
        // Harbor (Go) and Dynatrace answer with TCP_NODELAY; without it the JDK server's header and body segments
        // meet the client's delayed ACK, and every small answer takes 40 ms longer than it would from the real peer
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final ObjectMapper json = new ObjectMapper();
    private volatile HttpServer server;
    private final int port;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> new Thread(r, "fake-dynatrace"));
    private final String token;
    private volatile String bearer;
    private final ConcurrentLinkedQueue<Scripted> script = new ConcurrentLinkedQueue<>();
    private final List<Request> accepted = new CopyOnWriteArrayList<>();
    private final List<Long> attemptTimes = new CopyOnWriteArrayList<>();
    private final AtomicLong bytesAccepted = new AtomicLong();
    private final AtomicLong eventsAccepted = new AtomicLong();
    private final List<JsonNode> logRecords = new CopyOnWriteArrayList<>();
    private final List<String> metricLines = new CopyOnWriteArrayList<>();
    private final List<JsonNode> davisEvents = new CopyOnWriteArrayList<>();
    private final List<Integer> logBatchSizes = new CopyOnWriteArrayList<>();
    private final AtomicLong logRecordsDropped = new AtomicLong();

    private volatile Set<String> scopes = null;
    private volatile int maxBodyBytes = 10_000_000;
    private volatile boolean keepEvents = true;
    private volatile Duration delay = Duration.ZERO;

    public FakeDynatrace(String token) throws IOException {
        this.token = token;
        server = listen(0);
        port = server.getAddress().getPort();
    }

    private HttpServer listen(int onPort) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 64);
        s.setExecutor(executor);
        s.createContext("/", this::handle);
        s.start();
        return s;
    }

    /** An outage: connections to this Dynatrace are refused until {@link #up()}. */
    public void down() {
        server.stop(0);
    }

    /** Back after {@link #down()}, on the same port. */
    public void up() throws IOException {
        server = listen(port);
    }

    /** An OAuth access token this Dynatrace accepts too, as a bearer. */
    public void acceptBearer(String accessToken) {
        this.bearer = accessToken;
    }

    /**
     * The token, as Dynatrace takes each kind: an access token after {@code Api-Token}, a platform token
     * ({@code dt0s16.}) after {@code Bearer}; or the accepted OAuth access token.
     */
    private boolean authorized(HttpExchange ex) {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        String expected = (token.startsWith("dt0s16.") ? "Bearer " : "Api-Token ") + token;
        return expected.equals(header) || bearer != null && ("Bearer " + bearer).equals(header);
    }

    /** The one token this Dynatrace accepts. */
    public String token() {
        return token;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The next requests get these answers, in order, before normal processing resumes. */
    public void respond(int status, int times, String retryAfter, String body) {
        for (int i = 0; i < times; i++) {
            script.add(new Scripted(status, retryAfter, body, Duration.ZERO));
        }
    }

    /**
     * The token carries only these scopes: an endpoint that needs another answers 403 as Dynatrace does. Dynatrace's
     * own Harbor extension asks for {@code openpipeline.events_security} alone.
     */
    public void scopes(String... tokenScopes) {
        this.scopes = Set.of(tokenScopes);
    }

    private static String scopeFor(String path) {
        return switch (path) {
            case PATH -> "openpipeline.events_security";
            case LOGS_PATH -> "logs.ingest";
            case METRICS_PATH -> "metrics.ingest";
            case EVENTS_PATH -> "events.ingest";
            default -> null;
        };
    }

    public void maxBodyBytes(int max) {
        this.maxBodyBytes = max;
    }

    /** Only count events (benchmark): bodies are not kept. */
    public void keepEvents(boolean keep) {
        this.keepEvents = keep;
    }

    /** Every answer comes this late (simulates a slow ingest for the kill test). */
    public void delay(Duration delay) {
        this.delay = delay;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String scope = scopeFor(ex.getRequestURI().getPath());
            Set<String> granted = scopes;
            if (granted != null && scope != null && !granted.contains(scope)) {
                ex.getRequestBody().readAllBytes();
                send(ex, 403, "{\"error\":{\"code\":403,\"message\":\"Token is missing required scope. Use one of: "
                        + scope + "\"}}");
                return;
            }
            // metrics and events are not security events: scripted answers and attempt counts are the latter's alone
            if (EVENTS_PATH.equals(ex.getRequestURI().getPath())) {
                try (InputStream in = ex.getRequestBody()) {
                    davisEvents.add(json.readTree(in));
                }
                send(ex, authorized(ex) ? 201 : 401,
                        "{\"reportCount\":1}");
                return;
            }
            if (METRICS_PATH.equals(ex.getRequestURI().getPath())) {
                byte[] lines;
                try (InputStream in = ex.getRequestBody()) {
                    lines = in.readAllBytes();
                }
                if (!authorized(ex)) {
                    send(ex, 401, "{\"error\":{\"code\":401,\"message\":\"Missing or invalid token\"}}");
                } else {
                    ingestMetrics(ex, lines);
                }
                return;
            }
            attemptTimes.add(System.nanoTime());
            if (!keepEvents) {
                countOnly(ex);
                return;
            }
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (!delay.isZero()) {
                Thread.sleep(delay.toMillis()); // the simulated slowness itself
            }
            String path = ex.getRequestURI().getPath();
            if (!"POST".equals(ex.getRequestMethod()) || !(PATH.equals(path) || LOGS_PATH.equals(path))) {
                send(ex, 404, "{\"error\":{\"code\":404,\"message\":\"Not found\"}}");
                return;
            }
            if (!authorized(ex)) {
                send(ex, 401, "{\"error\":{\"code\":401,\"message\":\"Missing or invalid token\"}}");
                return;
            }
            Scripted s = script.poll();
            if (s != null) {
                if (s.retryAfter() != null) {
                    ex.getResponseHeaders().set("Retry-after", s.retryAfter()); // odd case on purpose
                }
                send(ex, s.status(), s.body() == null ? "" : s.body());
                return;
            }
            if (body.length > maxBodyBytes) {
                send(ex, 413, "{\"error\":{\"code\":413,\"message\":\"Content too large\"}}");
                return;
            }
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            if (type == null || !type.startsWith("application/json")) {
                send(ex, 400, "{\"error\":{\"code\":400,\"message\":\"Unsupported content type\"}}");
                return;
            }
            if (LOGS_PATH.equals(path)) {
                ingestLogs(ex, body);
                return;
            }
            JsonNode array = json.readTree(body);
            if (array == null || !array.isArray()) {
                send(ex, 400, "{\"error\":{\"code\":400,\"message\":\"Body must be a JSON array\"}}");
                return;
            }
            List<JsonNode> events = new ArrayList<>(array.size());
            for (JsonNode e : array) {
                if (!e.isObject() || !e.has("event.type")) {
                    send(ex, 400, "{\"error\":{\"code\":400,\"message\":\"Invalid record: event.type missing\"}}");
                    return;
                }
                events.add(e);
            }
            bytesAccepted.addAndGet(body.length);
            eventsAccepted.addAndGet(events.size());
            accepted.add(new Request(System.nanoTime(), body.length, keepEvents ? events : List.of()));
            send(ex, 202, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void ingestLogs(HttpExchange ex, byte[] body) throws IOException {
        JsonNode parsed = json.readTree(body);
        List<JsonNode> records = new ArrayList<>();
        if (parsed != null && parsed.isArray()) {
            parsed.forEach(records::add);
        } else if (parsed != null && parsed.isObject()) {
            records.add(parsed);
        } else {
            send(ex, 400, "{\"error\":{\"code\":400,\"message\":\"Invalid JSON\"}}");
            return;
        }
        if (records.size() > 50_000) {
            send(ex, 413, "{\"error\":{\"code\":413,\"message\":\"Too many log records\"}}");
            return;
        }
        // the server's clock, which it also sends in its Date header
        Instant now = Instant.now();
        int dropped = 0;
        for (JsonNode r : records) {
            if (violatesLimits(r, now)) {
                dropped++;
            } else {
                logRecords.add(r);
            }
        }
        logBatchSizes.add(records.size());
        bytesAccepted.addAndGet(body.length);
        if (dropped == 0) {
            send(ex, 204, "");
        } else {
            logRecordsDropped.addAndGet(dropped);
            send(ex, 200, "{\"details\":{\"code\":200,\"message\":\"" + dropped + " of " + records.size()
                    + " log records were not ingested: they exceed ingest limits\"}}");
        }
    }

    /** The documented per-record limits, implemented here on their own so the connector's check is tested against them. */
    private static boolean violatesLimits(JsonNode r, Instant now) {
        if (!r.isObject() || r.size() > 500) {
            return true;
        }
        for (var it = r.fields(); it.hasNext(); ) {
            var field = it.next();
            if (field.getKey().getBytes(StandardCharsets.UTF_8).length > 100) {
                return true;
            }
            int limit = field.getKey().equals("content") ? 512 * 1024 : 32 * 1024;
            if (field.getValue().isTextual() && field.getValue().asText().getBytes(StandardCharsets.UTF_8).length > limit) {
                return true;
            }
        }
        JsonNode t = r.get("timestamp");
        return t != null && Instant.parse(t.asText()).isBefore(now.minus(Duration.ofHours(24)));
    }

    /** Log records kept, in the order they arrived. */
    /** The metrics ingest: metric lines, text/plain; answers 202 with Dynatrace's line counts. */
    private void ingestMetrics(HttpExchange ex, byte[] body) throws IOException {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.startsWith("text/plain")) {
            send(ex, 400, "{\"error\":{\"code\":400,\"message\":\"Unsupported content type\"}}");
            return;
        }
        List<String> lines = new String(body, java.nio.charset.StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        metricLines.addAll(lines);
        send(ex, 202, "{\"linesOk\":" + lines.size() + ",\"linesInvalid\":0,\"error\":null}");
    }

    /** What the events API v2 received (the notifications' dynatrace channel). */
    public List<JsonNode> ingestedEvents() {
        return List.copyOf(davisEvents);
    }

    public List<String> metricLines() {
        return List.copyOf(metricLines);
    }

    public List<JsonNode> logRecords() {
        return logRecords;
    }

    /** Records in each logs request, kept or dropped. */
    public List<Integer> logBatchSizes() {
        return logBatchSizes;
    }

    public long logRecordsDropped() {
        return logRecordsDropped.get();
    }

    /**
     * Benchmark mode: streams the body through a small buffer and counts events by the {@code {"event.id":} each one
     * starts with, so the fake neither holds 10 MB bodies nor parses them.
     */
    private void countOnly(HttpExchange ex) throws IOException {
        String marker = "{\"event.id\":";
        // the marker can straddle two reads: the last marker-length-1 bytes are searched again with the next read
        int overlap = marker.length() - 1;
        byte[] buffer = new byte[64 * 1024 + overlap];
        long bytes = 0;
        long count = 0;
        int kept = 0;
        try (InputStream in = ex.getRequestBody()) {
            for (int n = in.read(buffer, kept, buffer.length - kept); n >= 0; n = in.read(buffer, kept, buffer.length - kept)) {
                bytes += n;
                int length = kept + n;
                // Latin-1 maps byte to char one to one; String.indexOf is a vectorised intrinsic, a byte loop is not
                String window = new String(buffer, 0, length, StandardCharsets.ISO_8859_1);
                for (int i = window.indexOf(marker); i >= 0; i = window.indexOf(marker, i + marker.length())) {
                    count++;
                }
                kept = Math.min(overlap, length);
                System.arraycopy(buffer, length - kept, buffer, 0, kept);
            }
        }
        bytesAccepted.addAndGet(bytes);
        eventsAccepted.addAndGet(count);
        accepted.add(new Request(System.nanoTime(), (int) bytes, List.of()));
        send(ex, 202, "");
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    public List<Request> requests() {
        return accepted;
    }

    public List<JsonNode> events() {
        return accepted.stream().flatMap(r -> r.events().stream()).toList();
    }

    public List<JsonNode> events(String type) {
        return events().stream().filter(e -> type.equals(e.path("event.type").asText())).toList();
    }

    public List<Long> attemptTimes() {
        return attemptTimes;
    }

    public long bytesAccepted() {
        return bytesAccepted.get();
    }

    public long eventsAccepted() {
        return eventsAccepted.get();
    }

    public void reset() {
        accepted.clear();
        logRecords.clear();
        logBatchSizes.clear();
        attemptTimes.clear();
        script.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
