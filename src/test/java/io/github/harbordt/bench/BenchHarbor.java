package io.github.harbordt.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.harbordt.harbor.ReportMimeTypes;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's Harbor, in its own process: a Harbor 2.14 with {@code artifacts} images of {@code findings}
 * vulnerabilities each, every answer rendered into memory before it listens, so serving costs a copy. Reports are
 * Trivy-sized (~240 kB for 200 findings, descriptions up to 10 kB); 16 distinct ones are served round-robin, which is
 * enough to keep a parser honest. One index per ten images has no scan of its own. {@code POST /bench/rescan} rescans
 * every image (new report ids and end times); {@code GET /bench/requests} counts the API requests served.
 * <p>
 * {@code java -cp <test classpath> io.github.harbordt.bench.BenchHarbor <artifacts> <findings>}: prints its port once
 * it listens.
 */
public final class BenchHarbor {

    static final String ROBOT = "robot$bench";
    static final String SECRET = "bench-secret";
    static final int PROJECTS = 10;
    private static final int PAGE = 100;
    private static final int REPORTS = 16;
    private static final Pattern ARTIFACTS = Pattern.compile("/api/v2\\.0/projects/([^/]+)/artifacts");
    private static final Pattern REPORT = Pattern.compile("/api/v2\\.0/projects/[^/]+/repositories/[^/]+/artifacts/sha256:([0-9a-f]{64})/additions/vulnerabilities");

    private final ObjectMapper json = new ObjectMapper();
    private final int artifacts;
    private final byte[][] reports = new byte[REPORTS][];
    private final AtomicLong requests = new AtomicLong();
    /** Per project, its artifact listing pages, rendered again on a rescan. */
    private volatile List<List<byte[]>> listings;
    private volatile int generation;

    private BenchHarbor(int artifacts, int findings) throws IOException {
        this.artifacts = artifacts;
        Random random = new Random(42);
        for (int r = 0; r < REPORTS; r++) {
            reports[r] = json.writeValueAsBytes(Map.of(ReportMimeTypes.V1_1, report(findings, random, r)));
        }
        render();
    }

    public static void main(String[] args) throws IOException {
        BenchHarbor harbor = new BenchHarbor(Integer.parseInt(args[0]), Integer.parseInt(args[1]));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", harbor::handle);
        server.start();
        System.out.println(server.getAddress().getPort());
    }

    /** Bytes of one report, for the floor and for sizing. */
    static int reportIndex(String digestHex) {
        return Integer.parseInt(digestHex.substring(56), 16) % REPORTS;
    }

    private static String digest(int n) {
        return String.format("%064x", n);
    }

    private void render() throws IOException {
        int gen = generation;
        // the first scans ended half an hour ago (inside the connector's first look-back); a rescan ends now
        Instant end = (gen == 0 ? Instant.now().minus(30, ChronoUnit.MINUTES) : Instant.now().minusSeconds(1))
                .truncatedTo(ChronoUnit.SECONDS);
        List<List<byte[]>> all = new ArrayList<>();
        for (int p = 0; p < PROJECTS; p++) {
            List<Map<String, Object>> items = new ArrayList<>();
            for (int n = p; n < artifacts; n += PROJECTS) {
                items.add(artifact(p, n, gen, end));
                if (n % 10 == 0) {
                    items.add(index(p, n));
                }
            }
            List<byte[]> pages = new ArrayList<>();
            for (int from = 0; from < items.size(); from += PAGE) {
                pages.add(json.writeValueAsBytes(items.subList(from, Math.min(items.size(), from + PAGE))));
            }
            all.add(pages);
        }
        listings = all;
    }

    private static Map<String, Object> artifact(int project, int n, int gen, Instant end) {
        Map<String, Object> overview = new LinkedHashMap<>();
        overview.put("report_id", "r-" + gen + "-" + n);
        overview.put("scan_status", "Success");
        overview.put("severity", "Critical");
        overview.put("duration", 12);
        overview.put("start_time", end.minusSeconds(12).toString());
        overview.put("end_time", end.toString());
        overview.put("complete_percent", 100);
        overview.put("scanner", Map.of("name", "Trivy", "vendor", "Aqua Security", "version", "v0.56.2"));
        overview.put("summary", Map.of("total", 200, "fixable", 120,
                "summary", Map.of("Critical", 20, "High", 60, "Medium", 80, "Low", 40)));
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("id", n + 1);
        a.put("type", "IMAGE");
        a.put("media_type", "application/vnd.oci.image.manifest.v1+json");
        a.put("manifest_media_type", "application/vnd.oci.image.manifest.v1+json");
        a.put("project_id", project + 1);
        a.put("repository_id", n / 4 + 1);
        a.put("repository_name", "proj-" + project + "/team-" + (n % 7) + "/app-" + (n / 4));
        a.put("digest", "sha256:" + digest(n));
        a.put("size", 31_000_000 + n);
        a.put("push_time", end.minusSeconds(3600).toString());
        a.put("pull_time", "0001-01-01T00:00:00.000Z");
        a.put("tags", List.of(Map.of("id", n + 1, "name", "v1." + n, "push_time", end.minusSeconds(3600).toString(),
                "immutable", false)));
        a.put("labels", null);
        a.put("extra_attrs", Map.of("architecture", "amd64", "os", "linux", "created", end.minusSeconds(7200).toString()));
        a.put("scan_overview", Map.of(ReportMimeTypes.V1_1, overview));
        return a;
    }

    /** A multi-arch index: listed, but scanned only through its children. */
    private static Map<String, Object> index(int project, int n) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("id", 1_000_000 + n);
        a.put("type", "IMAGE");
        a.put("media_type", "application/vnd.oci.image.index.v1+json");
        a.put("project_id", project + 1);
        a.put("repository_name", "proj-" + project + "/team-" + (n % 7) + "/app-" + (n / 4));
        a.put("digest", "sha256:" + digest(1_000_000 + n));
        a.put("references", List.of(Map.of("child_digest", "sha256:" + digest(n), "platform", Map.of("os", "linux"))));
        a.put("tags", List.of(Map.of("name", "multi-" + n)));
        return a;
    }

    private static Map<String, Object> report(int findings, Random random, int r) {
        String[] severities = {"Critical", "High", "High", "Medium", "Medium", "Medium", "Low", "Low", "Unknown", "Negligible"};
        List<Map<String, Object>> vulns = new ArrayList<>(findings);
        for (int i = 0; i < findings; i++) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("id", "CVE-20" + (15 + i % 10) + "-" + (10_000 + r * 1000 + i));
            v.put("package", "lib-" + (i % 60) + (i % 3 == 0 ? "-dev" : ""));
            v.put("version", "1." + (i % 17) + "." + (i % 5));
            v.put("fix_version", i % 3 == 0 ? "" : "1." + (i % 17) + "." + (i % 5 + 1));
            v.put("severity", severities[i % severities.length]);
            // mostly short descriptions, one in twenty at Trivy's 10 kB cap: a report of 200 averages ~240 kB
            int length = i % 20 == 7 ? 10_000 : 350 + random.nextInt(500);
            v.put("description", text(random, length));
            v.put("links", List.of("https://avd.aquasec.com/nvd/cve-2020-" + i, "https://nvd.nist.gov/vuln/detail/CVE-" + i));
            v.put("layer", null);
            v.put("artifact_digests", List.of());
            v.put("preferred_cvss", Map.of("score_v3", 4.0 + (i % 60) / 10.0, "vector_v3",
                    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"));
            v.put("cwe_ids", List.of("CWE-" + (20 + i % 50)));
            v.put("vendor_attributes", Map.of("CVSS", Map.of(
                    "nvd", Map.of("V3Score", 4.0 + (i % 60) / 10.0, "V3Vector", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
                    "redhat", Map.of("V3Score", 5.5, "V3Vector", "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H"))));
            vulns.add(v);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("generated_at", Instant.now().toString());
        report.put("scanner", Map.of("name", "Trivy", "vendor", "Aqua Security", "version", "v0.56.2"));
        report.put("severity", "Critical");
        report.put("vulnerabilities", vulns);
        return report;
    }

    private static String text(Random random, int length) {
        StringBuilder b = new StringBuilder(length);
        String[] words = {"buffer", "overflow", "in", "the", "parser", "allows", "remote", "attackers", "to", "cause",
                "a", "denial", "of", "service", "via", "crafted", "input", "when", "processing", "headers"};
        while (b.length() < length) {
            b.append(words[random.nextInt(words.length)]).append(' ');
        }
        return b.substring(0, length);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            if (path.startsWith("/bench/")) {
                if (path.equals("/bench/rescan")) {
                    generation++;
                    render();
                    send(ex, 200, new byte[0], null);
                } else {
                    send(ex, 200, Long.toString(requests.get()).getBytes(StandardCharsets.UTF_8), null);
                }
                return;
            }
            requests.incrementAndGet();
            String query = ex.getRequestURI().getRawQuery();
            Matcher report = REPORT.matcher(path);
            Matcher listing = ARTIFACTS.matcher(path);
            if (report.matches()) {
                send(ex, 200, reports[reportIndex(report.group(1))], null);
            } else if (listing.matches()) {
                int project = Integer.parseInt(listing.group(1).substring("proj-".length()));
                List<byte[]> pages = listings.get(project);
                int page = param(query, "page", 1);
                String next = page < pages.size()
                        ? "<" + path + "?page=" + (page + 1) + "&page_size=" + PAGE + "&with_scan_overview=true&with_tag=true>; rel=\"next\""
                        : null;
                send(ex, 200, page <= pages.size() ? pages.get(page - 1) : "[]".getBytes(StandardCharsets.UTF_8), next);
            } else if (path.equals("/api/v2.0/projects")) {
                List<Map<String, Object>> projects = new ArrayList<>();
                for (int p = 0; p < PROJECTS; p++) {
                    projects.add(Map.of("project_id", p + 1, "name", "proj-" + p, "metadata", Map.of("public", "false")));
                }
                send(ex, 200, json.writeValueAsBytes(projects), null);
            } else if (path.equals("/api/v2.0/systeminfo")) {
                send(ex, 200, json.writeValueAsBytes(Map.of("harbor_version", "v2.14.0-bench",
                        "current_time", Instant.now().toString())), null);
            } else if (path.startsWith("/api/v2.0/audit")) {
                send(ex, 200, "[]".getBytes(StandardCharsets.UTF_8), null);
            } else {
                send(ex, 404, "{\"errors\":[{\"code\":\"NOT_FOUND\"}]}".getBytes(StandardCharsets.UTF_8), null);
            }
        }
    }

    private static int param(String query, String name, int fallback) {
        if (query != null) {
            for (String p : query.split("&")) {
                if (p.startsWith(name + "=")) {
                    return Integer.parseInt(p.substring(name.length() + 1));
                }
            }
        }
        return fallback;
    }

    private static void send(HttpExchange ex, int status, byte[] body, String link) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (link != null) {
            ex.getResponseHeaders().set("Link", link);
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
