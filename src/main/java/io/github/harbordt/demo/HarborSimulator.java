package io.github.harbordt.demo;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.harbordt.harbor.HarborVersion;
import io.github.harbordt.harbor.ReportMimeTypes;
import io.github.harbordt.mapping.AuditStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback Harbor speaking the subset of REST API v2.0 the connector uses, with Harbor's documented behaviour:
 * bad credentials downgraded to anonymous, paging with relative unescaped {@code Link} headers joined by {@code " , "},
 * 422 above 100 items a page, omitted zero fields, {@code null} arrays, {@code links: [""]}, both report formats,
 * {@code {}} reports, nested repository names in double-encoded path segments, zero times, both audit tables with
 * {@code q} filters and {@code 200 []} for a robot without the audit permission. It behaves like the Harbor release its
 * registry names ({@code harbor-api.md} §11): the project-wide artifact list, {@code repository_name} and
 * {@code artifact_type} on artifacts only from 2.12, {@code /auditlog-exts} from 2.13, the vendor {@code status} of a
 * vulnerability from 2.14, both report formats by default from 2.6 (1.0 only before). Serves the demo registry,
 * and, extended with fault injection in {@code src/test}, the tests and the benchmark.
 */
public class HarborSimulator implements AutoCloseable {

    private static final Pattern REPO_ARTIFACTS = Pattern.compile("/api/v2\\.0/projects/([^/]+)/repositories/([^/]+)/artifacts");
    private static final Pattern PROJECT_ARTIFACTS = Pattern.compile("/api/v2\\.0/projects/([^/]+)/artifacts");
    private static final Pattern REPOSITORIES = Pattern.compile("/api/v2\\.0/projects/([^/]+)/repositories");
    private static final Pattern ARTIFACT = Pattern.compile("/api/v2\\.0/projects/([^/]+)/repositories/([^/]+)/artifacts/([^/]+)");
    private static final Pattern REPORT = Pattern.compile(
            "/api/v2\\.0/projects/([^/]+)/repositories/([^/]+)/artifacts/([^/]+)/additions/vulnerabilities");
    private static final DateTimeFormatter API_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    static {
        // Harbor (Go) and Dynatrace answer with TCP_NODELAY; without it the JDK server's header and body segments
        // meet the client's delayed ACK, and every small answer takes 40 ms longer than it would from the real peer
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final SimulatedRegistry registry;
    protected final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService executor;

    public HarborSimulator(SimulatedRegistry registry) throws IOException {
        this.registry = registry;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        this.executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "harbor-simulator");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public SimulatedRegistry registry() {
        return registry;
    }

    /**
     * Answers the request itself and returns true, or leaves it to the registry (false): the tests' fake Harbor injects
     * faults and records requests here. Called before anything else of the request is read.
     */
    protected boolean intercept(HttpExchange ex, String path, String rawQuery) throws IOException, InterruptedException {
        return false;
    }

    /** Called once an audit page's rows are chosen, before they are sent. */
    protected void auditPageChosen() {
    }

    /** Answers what the registry does not serve, and returns whether it did; otherwise the request gets 404. */
    protected boolean routeMore(HttpExchange ex, String path, Map<String, String> query, String rawQuery,
                                boolean authenticated) throws IOException {
        return false;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            String rawQuery = ex.getRequestURI().getRawQuery();
            String requestId = ex.getRequestHeaders().getFirst("X-Request-Id");
            ex.getResponseHeaders().set("X-Request-Id", requestId == null ? "generated" : requestId);
            if (intercept(ex, path, rawQuery)) {
                return;
            }
            Map<String, String> query = query(rawQuery);
            boolean authenticated = authenticated(ex);
            route(ex, path, query, rawQuery, authenticated);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            send(ex, 500, error("UNKNOWN", "internal server error"));
        }
    }

    private void route(HttpExchange ex, String path, Map<String, String> query, String rawQuery, boolean authenticated)
            throws IOException {
        Matcher m;
        if (path.equals("/api/v2.0/ping")) {
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            send(ex, 200, "Pong");
        } else if (path.equals("/api/v2.0/systeminfo")) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("auth_mode", "db_auth");
            info.put("self_registration", false);
            if (authenticated) {
                info.put("current_time", API_TIME.format(Instant.now()));
                info.put("external_url", url());
                info.put("harbor_version", registry.version());
                info.put("notification_enable", true);
                info.put("registry_url", url().replace("http://", ""));
            }
            sendJson(ex, info);
        } else if (path.equals("/api/v2.0/auditlog-exts") && version().hasAuditLogExts()
                || path.equals("/api/v2.0/audit-logs")) {
            if (!authenticated) {
                // the audit endpoints put the (empty) user name into the message
                send(ex, 401, error("UNAUTHORIZED", ""));
                return;
            }
            AuditStream table = path.endsWith("/audit-logs") ? AuditStream.LEGACY : AuditStream.EXTS;
            List<Object> items = new ArrayList<>();
            if (registry.auditPermission()) {
                for (SimulatedRegistry.AuditRow r : auditQuery(registry.auditRows(table), query)) {
                    items.add(auditRow(r, table));
                }
            }
            auditPageChosen();
            page(ex, path, query, rawQuery, items);
        } else if (path.equals("/api/v2.0/projects")) {
            List<Object> items = new ArrayList<>();
            for (SimulatedRegistry.Project p : registry.projects()) {
                if (authenticated || p.isPublic()) {
                    items.add(project(p));
                }
            }
            page(ex, path, query, rawQuery, items);
        } else if ((m = REPORT.matcher(path)).matches()) {
            SimulatedRegistry.Artifact a = registry.artifact(repositoryName(m.group(1), m.group(2)), decode(m.group(3)));
            if (!visible(a == null ? null : a.project, authenticated)) {
                send(ex, 404, error("NOT_FOUND", "artifact not found"));
            } else {
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, 0); // chunked, as Go's server answers a body it did not measure first
                try (OutputStream out = ex.getResponseBody()) {
                    writeReport(a, out);
                }
            }
        } else if ((m = ARTIFACT.matcher(path)).matches()) {
            SimulatedRegistry.Artifact a = registry.artifact(repositoryName(m.group(1), m.group(2)), decode(m.group(3)));
            if (!visible(a == null ? null : a.project, authenticated)) {
                send(ex, 404, error("NOT_FOUND", "artifact not found"));
            } else {
                sendJson(ex, artifact(a, "true".equals(query.get("with_scan_overview")), ex));
            }
        } else if ((m = REPO_ARTIFACTS.matcher(path)).matches()) {
            String repository = repositoryName(m.group(1), m.group(2));
            SimulatedRegistry.Project p = registry.projectByName(decode(m.group(1)));
            if (!visible(p, authenticated)) {
                send(ex, 404, error("NOT_FOUND", "project not found"));
                return;
            }
            List<Object> items = new ArrayList<>();
            for (SimulatedRegistry.Artifact a : registry.artifactsOf(p.name())) {
                if (a.repository.equals(repository)) {
                    items.add(artifact(a, "true".equals(query.get("with_scan_overview")), ex));
                }
            }
            page(ex, path, query, rawQuery, items);
        } else if ((m = PROJECT_ARTIFACTS.matcher(path)).matches() && projectArtifactListSupported()) {
            SimulatedRegistry.Project p = registry.projectByName(decode(m.group(1)));
            if (!visible(p, authenticated)) {
                send(ex, 404, error("NOT_FOUND", "project not found"));
                return;
            }
            List<Object> items = new ArrayList<>();
            for (SimulatedRegistry.Artifact a : registry.artifactsOf(p.name())) {
                items.add(artifact(a, "true".equals(query.get("with_scan_overview")), ex));
            }
            page(ex, path, query, rawQuery, items);
        } else if ((m = REPOSITORIES.matcher(path)).matches()) {
            SimulatedRegistry.Project p = registry.projectByName(decode(m.group(1)));
            if (!visible(p, authenticated)) {
                send(ex, 404, error("NOT_FOUND", "project not found"));
                return;
            }
            List<Object> items = new ArrayList<>();
            for (String repository : registry.repositoriesOf(p.name())) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("artifact_count", registry.artifactsOf(p.name()).stream().filter(a -> a.repository.equals(repository)).count());
                r.put("id", Math.abs(repository.hashCode()));
                r.put("name", repository);
                r.put("project_id", p.id());
                r.put("pull_count", 0);
                items.add(r);
            }
            page(ex, path, query, rawQuery, items);
        } else if (!routeMore(ex, path, query, rawQuery, authenticated)) {
            send(ex, 404, error("NOT_FOUND", "no route for " + path));
        }
    }

    private boolean projectArtifactListSupported() {
        return version().hasProjectArtifactList();
    }

    private HarborVersion version() {
        return HarborVersion.parse(registry.version()).orElseThrow();
    }

    /** Harbor's {@code q} on the audit columns used here ({@code id=[a~b]}, {@code op_time=[t~t]}) and its sorts. */
    private static List<SimulatedRegistry.AuditRow> auditQuery(List<SimulatedRegistry.AuditRow> rows, Map<String, String> query) {
        List<SimulatedRegistry.AuditRow> out = new ArrayList<>(rows);
        for (String term : query.getOrDefault("q", "").split(",")) {
            int eq = term.indexOf('=');
            if (eq < 0 || !term.substring(eq + 1).startsWith("[") || !term.endsWith("]")) {
                continue; // unknown forms are ignored, as Harbor ignores unknown keys
            }
            String key = term.substring(0, eq).trim();
            String[] range = term.substring(eq + 2, term.length() - 1).split("~", -1);
            if (key.equals("id")) {
                long from = range[0].isBlank() ? Long.MIN_VALUE : Long.parseLong(range[0].trim());
                long to = range.length < 2 || range[1].isBlank() ? Long.MAX_VALUE : Long.parseLong(range[1].trim());
                out.removeIf(r -> r.id() < from || r.id() > to);
            } else if (key.equals("op_time")) {
                Instant from = range[0].isBlank() ? Instant.MIN : queryTime(range[0]);
                Instant to = range.length < 2 || range[1].isBlank() ? Instant.MAX : queryTime(range[1]);
                out.removeIf(r -> r.opTime().isBefore(from) || r.opTime().isAfter(to));
            }
        }
        String sort = query.getOrDefault("sort", "-op_time");
        Comparator<SimulatedRegistry.AuditRow> order = switch (sort) {
            case "id" -> Comparator.comparingLong(SimulatedRegistry.AuditRow::id);
            case "-id" -> Comparator.comparingLong(SimulatedRegistry.AuditRow::id).reversed();
            default -> Comparator.comparing(SimulatedRegistry.AuditRow::opTime).reversed();
        };
        out.sort(order);
        return out;
    }

    private static Instant queryTime(String text) {
        return LocalDateTime.parse(text.trim().replace(' ', 'T')).toInstant(ZoneOffset.UTC);
    }

    private static Map<String, Object> auditRow(SimulatedRegistry.AuditRow r, AuditStream table) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("op_time", API_TIME.format(r.opTime()));
        m.put("operation", r.operation());
        if (table == AuditStream.EXTS) {
            m.put("operation_description", r.description());
            m.put("operation_result", r.succeeded());
        }
        m.put("resource", r.resource());
        m.put("resource_type", r.resourceType());
        m.put("username", r.username());
        return m;
    }

    protected static boolean visible(SimulatedRegistry.Project p, boolean authenticated) {
        return p != null && (authenticated || p.isPublic());
    }

    private boolean authenticated(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Basic ")) {
            return false;
        }
        String decoded = new String(Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return colon > 0 && registry.authenticates(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    /** Harbor's offset paging: X-Total-Count, and a relative Link with the query written back unescaped. */
    protected void page(HttpExchange ex, String path, Map<String, String> query, String rawQuery, List<Object> items)
            throws IOException {
        long page = Long.parseLong(query.getOrDefault("page", "1"));
        long size = Long.parseLong(query.getOrDefault("page_size", "10"));
        if (size > 100) {
            send(ex, 422, error("UNPROCESSABLE_ENTITY", "validation failure list:\npage_size in query should be less than or equal to 100"));
            return;
        }
        List<Object> slice = items;
        if (size > 0) {
            int from = (int) Math.min(items.size(), (page - 1) * size);
            int to = (int) Math.min(items.size(), page * size);
            slice = items.subList(from, to);
            List<String> links = new ArrayList<>();
            if (page > 1) {
                links.add("<" + path + "?" + withPage(rawQuery, page - 1) + ">; rel=\"prev\"");
            }
            if (page * size < items.size()) {
                links.add("<" + path + "?" + withPage(rawQuery, page + 1) + ">; rel=\"next\"");
            }
            if (!links.isEmpty()) {
                ex.getResponseHeaders().set("Link", String.join(" , ", links));
            }
        }
        ex.getResponseHeaders().set("X-Total-Count", String.valueOf(items.size()));
        sendJson(ex, slice);
    }

    private static String withPage(String rawQuery, long page) {
        List<String> parts = new ArrayList<>();
        for (String p : rawQuery == null ? new String[0] : rawQuery.split("&")) {
            if (!p.startsWith("page=") && !p.isEmpty()) {
                parts.add(URLDecoder.decode(p, StandardCharsets.UTF_8));
            }
        }
        parts.add(0, "page=" + page);
        return String.join("&", parts);
    }

    private Map<String, Object> project(SimulatedRegistry.Project p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("creation_time", "2024-02-01T10:00:00.000Z");
        m.put("metadata", Map.of("public", String.valueOf(p.isPublic())));
        m.put("name", p.name());
        m.put("project_id", p.id());
        m.put("repo_count", registry.repositoriesOf(p.name()).size());
        return m;
    }

    private Map<String, Object> artifact(SimulatedRegistry.Artifact a, boolean withScanOverview, HttpExchange ex) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("digest", a.digest);
        m.put("id", a.id);
        m.put("labels", null);
        m.put("manifest_media_type", "application/vnd.oci.image.manifest.v1+json");
        m.put("project_id", a.project.id());
        m.put("pull_time", "0001-01-01T00:00:00.000Z");
        m.put("push_time", "2025-01-10T08:00:00.000Z");
        m.put("repository_id", Math.abs(a.repository.hashCode()));
        if (version().hasProjectArtifactList()) {
            // before 2.12 an artifact does not say which repository it is in: the client knows the path it asked
            m.put("artifact_type", "application/vnd.oci.image.config.v1+json");
            m.put("repository_name", a.repository);
        }
        if (!a.children.isEmpty()) {
            List<Object> references = new ArrayList<>();
            String[] architectures = {"amd64", "arm64", "s390x", "ppc64le"};
            for (int i = 0; i < a.children.size(); i++) {
                references.add(Map.of("child_digest", a.children.get(i), "parent_id", a.id,
                        "platform", Map.of("architecture", architectures[i % architectures.length], "os", "linux")));
            }
            m.put("references", references);
        }
        SimulatedRegistry.Scan scan = a.scan;
        if (withScanOverview && scan != null && accepts(ex, scan.mime())) {
            Map<String, Object> o = new LinkedHashMap<>();
            boolean done = "Success".equals(scan.status());
            if (done && scan.total() >= 0) {
                o.put("complete_percent", 100);
            }
            o.put("end_time", scan.end() == null ? "0001-01-01T00:00:00.000Z" : API_TIME.format(scan.end()));
            o.put("report_id", scan.reportId());
            o.put("scan_status", scan.status());
            if (done) {
                o.put("scanner", Map.of("name", scan.scannerName(), "vendor", scan.scannerVendor(), "version", scan.scannerVersion()));
                o.put("severity", scan.total() == 0 ? "None" : "High");
                o.put("summary", Map.of("fixable", 0, "summary", Map.of(), "total", scan.total()));
            }
            o.put("start_time", API_TIME.format(scan.start()));
            m.put("scan_overview", Map.of(scan.mime(), o));
        }
        m.put("tags", a.tags == null ? null : a.tags.stream().map(t -> Map.of("immutable", false, "name", t,
                "push_time", "2025-01-10T08:00:00.000Z")).toList());
        m.put("type", a.type);
        return m;
    }

    private boolean accepts(HttpExchange ex, String mime) {
        String accept = ex.getRequestHeaders().getFirst("X-Accept-Vulnerabilities");
        // without the header: both formats since 2.6, the 1.0 format only before
        return accept == null ? version().atLeast(2, 6) || ReportMimeTypes.V1_0.equals(mime) : accept.contains(mime);
    }

    /** The body of additions/vulnerabilities for the artifact, exactly as served. */
    public byte[] report(SimulatedRegistry.Artifact a) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeReport(a, out);
        return out.toByteArray();
    }

    /**
     * Writes the report as it is generated: a report of thousands of vulnerabilities is never held whole, so serving
     * the benchmark's registry costs this fake little besides the bytes on the wire.
     */
    private void writeReport(SimulatedRegistry.Artifact a, OutputStream out) throws IOException {
        SimulatedRegistry.Scan scan = a.scan;
        if (scan == null || !"Success".equals(scan.status()) || a.reportMissing) {
            out.write("{}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        try (JsonGenerator g = json.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart(scan.mime());
            g.writeStringField("generated_at", API_TIME.format(scan.end()));
            g.writeObjectFieldStart("scanner");
            g.writeStringField("name", scan.scannerName());
            g.writeStringField("vendor", scan.scannerVendor());
            g.writeStringField("version", scan.scannerVersion());
            g.writeEndObject();
            g.writeStringField("severity", "High");
            g.writeArrayFieldStart("vulnerabilities");
            boolean status = version().atLeast(2, 14);
            for (SimulatedRegistry.Vuln v : scan.vulnerabilities().get()) {
                writeVulnerability(g, v, a.digest, status);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    /**
     * Harbor's shape: absent lists as {@code [""]}, absent strings as {@code ""}, absent ids and packages omitted; the
     * vendor {@code status} since 2.14.
     */
    private static void writeVulnerability(JsonGenerator g, SimulatedRegistry.Vuln v, String digest, boolean status)
            throws IOException {
        g.writeStartObject();
        writeStrings(g, "artifact_digests", List.of(digest));
        writeStrings(g, "cwe_ids", v.cweIds() == null ? List.of("") : v.cweIds());
        if (v.description() != null) {
            g.writeStringField("description", v.description());
        }
        g.writeStringField("fix_version", v.fixVersion() == null ? "" : v.fixVersion());
        if (v.id() != null) {
            g.writeStringField("id", v.id());
        }
        writeStrings(g, "links", v.links() == null ? List.of("") : v.links());
        if (v.pkg() != null) {
            g.writeStringField("package", v.pkg());
        }
        g.writeObjectFieldStart("preferred_cvss");
        g.writeNullField("score_v2");
        if (v.cvssV3() == null) {
            g.writeNullField("score_v3");
        } else {
            g.writeNumberField("score_v3", v.cvssV3());
        }
        g.writeStringField("vector_v2", "");
        g.writeStringField("vector_v3", v.vectorV3() == null ? "" : v.vectorV3());
        g.writeEndObject();
        g.writeStringField("severity", v.severity());
        if (status) {
            g.writeStringField("status", v.fixVersion() == null ? "affected" : "fixed");
        }
        g.writeNullField("vendor_attributes");
        if (v.version() != null) {
            g.writeStringField("version", v.version());
        }
        g.writeEndObject();
    }

    private static void writeStrings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String value : values) {
            g.writeString(value);
        }
        g.writeEndArray();
    }

    /** Undoes the double encoding of nested repository names ({@code team%252Fapp}). */
    private static String repositoryName(String rawProject, String rawRepository) {
        return decode(rawProject) + "/" + decode(decode(rawRepository));
    }

    protected static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw != null) {
            for (String p : raw.split("&")) {
                int eq = p.indexOf('=');
                if (eq > 0) {
                    q.put(decode(p.substring(0, eq)), decode(p.substring(eq + 1)));
                }
            }
        }
        return q;
    }

    protected static String error(String code, String message) {
        return "{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message.replace("\n", "\\n") + "\"}]}\n";
    }

    protected void sendJson(HttpExchange ex, Object body) throws IOException {
        sendBytes(ex, json.writeValueAsBytes(body));
    }

    private static void sendBytes(HttpExchange ex, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    protected static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (!ex.getResponseHeaders().containsKey("Content-Type")) {
            ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
