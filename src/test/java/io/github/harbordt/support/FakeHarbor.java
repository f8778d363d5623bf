package io.github.harbordt.support;

import com.sun.net.httpserver.HttpExchange;
import io.github.harbordt.demo.HarborSimulator;
import io.github.harbordt.demo.SimulatedRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tests' Harbor: the simulated Harbor of the demo registry, plus what only tests need. Faults (status codes, cut-off
 * answers, delays) injected per request path, readers made to meet, rows written while an audit read pages, a log of
 * the requests served, and the webhook policy API.
 */
public final class FakeHarbor extends HarborSimulator {

    private static final Pattern POLICIES = Pattern.compile("/api/v2\\.0/projects/([^/]+)/webhook/policies(?:/(\\d+))?");

    /** An injected answer for requests whose path matches. */
    private record Fault(Predicate<String> matches, int status, Duration delay, String retryAfter, AtomicLong remaining) {
    }

    private record Gathering(String pathPart, CountDownLatch arrived, AtomicLong remaining) {
    }

    private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final Map<String, Duration> slowdowns = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> requestLog = new ConcurrentLinkedQueue<>();
    private final AtomicLong requests = new AtomicLong();
    private final ConcurrentLinkedQueue<Runnable> afterAuditPage = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Gathering> gatherings = new ConcurrentLinkedQueue<>();
    private volatile boolean logRequests = true;

    private final Map<String, List<Map<String, Object>>> webhookPolicies = new ConcurrentSkipListMap<>();
    private final AtomicLong policyIds = new AtomicLong();
    private volatile boolean policyPermission = true;

    public FakeHarbor(SimulatedRegistry registry) throws IOException {
        super(registry);
    }

    public long requestCount() {
        return requests.get();
    }

    /** Paths (with raw query) of the requests served, in order; off for the benchmark. */
    public List<String> requestLog() {
        return new ArrayList<>(requestLog);
    }

    public void logRequests(boolean on) {
        this.logRequests = on;
    }

    /**
     * The next {@code times} requests whose path contains {@code pathPart} get {@code status} after {@code delay}; status
     * 200 answers with JSON cut off in the middle.
     */
    public void fail(String pathPart, int times, int status, Duration delay, String retryAfter) {
        faults.add(new Fault(p -> p.contains(pathPart), status, delay, retryAfter, new AtomicLong(times)));
    }

    /** Requests whose path contains {@code pathPart} are answered normally, each after {@code delay}: a slow Harbor. */
    public void slow(String pathPart, Duration delay) {
        slowdowns.put(pathPart, delay);
    }

    public void clearFaults() {
        faults.clear();
    }

    /** Runs {@code action} once the next audit page's rows are chosen, before they are sent (rows written while paging). */
    public void afterAuditPage(Runnable action) {
        afterAuditPage.add(action);
    }

    /**
     * Holds the next {@code parties} requests whose path contains {@code pathPart} until all of them arrived, then
     * answers them normally: two readers of the same thing are made to meet.
     */
    public void gather(String pathPart, int parties) {
        gatherings.add(new Gathering(pathPart, new CountDownLatch(parties), new AtomicLong(parties)));
    }

    @Override
    protected boolean intercept(HttpExchange ex, String path, String rawQuery) throws IOException, InterruptedException {
        requests.incrementAndGet();
        if (logRequests) {
            requestLog.add(path + (rawQuery == null ? "" : "?" + rawQuery));
        }
        for (Fault f : faults) {
            if (f.matches().test(path) && f.remaining().getAndDecrement() > 0) {
                if (!f.delay().isZero()) {
                    Thread.sleep(f.delay().toMillis()); // the simulated slowness itself, not a test wait
                }
                if (f.retryAfter() != null) {
                    ex.getResponseHeaders().set("Retry-After", f.retryAfter());
                }
                send(ex, f.status(), f.status() == 200 ? "{\"application/vnd.security.vulnerability.report; version=1.1\":"
                        + "{\"vulnerabilities\":[{\"id\":\"CVE-" // cut off mid-answer
                        : f.status() >= 500 ? "<html><body><h1>" + f.status() + " Gateway Time-out</h1></body></html>"
                        : error("UNKNOWN", "injected"));
                return true;
            }
        }
        for (Map.Entry<String, Duration> slow : slowdowns.entrySet()) {
            if (path.contains(slow.getKey())) {
                Thread.sleep(slow.getValue().toMillis()); // the simulated slowness itself, not a test wait
            }
        }
        for (Gathering g : gatherings) {
            if (path.contains(g.pathPart()) && g.remaining().getAndDecrement() > 0) {
                g.arrived().countDown();
                g.arrived().await(10, TimeUnit.SECONDS);
            }
        }
        return false;
    }

    @Override
    protected void auditPageChosen() {
        // rows written after this page's query ran, before the connector asks for the next one
        Runnable hook = afterAuditPage.poll();
        if (hook != null) {
            hook.run();
        }
    }

    /** The project's webhook policies, as stored (the API's field names). */
    public List<Map<String, Object>> webhookPolicies(String projectName) {
        return webhookPolicies.computeIfAbsent(projectName, k -> new CopyOnWriteArrayList<>());
    }

    /** Stores a new policy with the next id, as POST .../webhook/policies does; returns the id. */
    public long addWebhookPolicy(String projectName, Map<String, Object> policy) {
        long id = policyIds.incrementAndGet();
        Map<String, Object> stored = new LinkedHashMap<>(policy);
        stored.put("id", id);
        stored.put("project_id", registry().projectByName(projectName).id());
        webhookPolicies(projectName).add(stored);
        return id;
    }

    /** Without notification-policy permissions the robot gets 403 from the policy endpoints. */
    public void policyPermission(boolean granted) {
        this.policyPermission = granted;
    }

    public boolean policyPermission() {
        return policyPermission;
    }

    @Override
    protected boolean routeMore(HttpExchange ex, String path, Map<String, String> query, String rawQuery,
                                boolean authenticated) throws IOException {
        Matcher m = POLICIES.matcher(path);
        if (!m.matches()) {
            return false;
        }
        webhookPolicies(ex, m.group(1), m.group(2), query, rawQuery, authenticated);
        return true;
    }

    /** The policy API of one project: GET (paged list or one), POST (201 + Location), PUT (200), as Harbor answers. */
    private void webhookPolicies(HttpExchange ex, String project, String id, Map<String, String> query, String rawQuery,
                                 boolean authenticated) throws IOException {
        SimulatedRegistry.Project p = registry().projectByName(decode(project));
        if (!visible(p, authenticated)) {
            send(ex, 404, error("NOT_FOUND", "project not found"));
            return;
        }
        if (!policyPermission) {
            send(ex, 403, error("FORBIDDEN", "forbidden"));
            return;
        }
        List<Map<String, Object>> policies = webhookPolicies(p.name());
        String method = ex.getRequestMethod();
        if ("GET".equals(method) && id == null) {
            page(ex, "/api/v2.0/projects/" + project + "/webhook/policies", query, rawQuery, new ArrayList<>(policies));
            return;
        }
        if ("POST".equals(method) && id == null) {
            Map<String, Object> body = policyBody(ex);
            if (body == null) {
                return;
            }
            if (policies.stream().anyMatch(x -> x.get("name").equals(body.get("name")))) {
                send(ex, 409, error("CONFLICT", "policy " + body.get("name") + " already exists"));
                return;
            }
            long created = addWebhookPolicy(p.name(), body);
            ex.getResponseHeaders().set("Location", "/api/v2.0/projects/" + project + "/webhook/policies/" + created);
            ex.sendResponseHeaders(201, -1);
            return;
        }
        Map<String, Object> existing = id == null ? null : policies.stream()
                .filter(x -> String.valueOf(x.get("id")).equals(id)).findFirst().orElse(null);
        if (existing == null) {
            send(ex, 404, error("NOT_FOUND", "policy not found"));
        } else if ("GET".equals(method)) {
            sendJson(ex, existing);
        } else if ("PUT".equals(method)) {
            Map<String, Object> body = policyBody(ex);
            if (body != null) {
                body.put("id", existing.get("id"));
                body.put("project_id", p.id());
                policies.set(policies.indexOf(existing), body);
                send(ex, 200, "");
            }
        } else {
            send(ex, 405, error("METHOD_NOT_ALLOWED", method));
        }
    }

    /** The request's policy, or null after answering 400 when it lacks what Harbor requires. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> policyBody(HttpExchange ex) throws IOException {
        Map<String, Object> body;
        try (InputStream in = ex.getRequestBody()) {
            body = json.readValue(in, Map.class);
        } catch (IOException e) {
            send(ex, 400, error("BAD_REQUEST", "invalid JSON"));
            return null;
        }
        Object targets = body.get("targets");
        if (body.get("name") == null || !(targets instanceof List<?> list) || list.isEmpty()
                || !(list.get(0) instanceof Map<?, ?> target) || target.get("address") == null) {
            send(ex, 400, error("BAD_REQUEST", "name and targets[].address are required"));
            return null;
        }
        return body;
    }
}
