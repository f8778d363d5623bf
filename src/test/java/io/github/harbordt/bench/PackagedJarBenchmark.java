package io.github.harbordt.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged jar as users run it, timed from outside (README, "Performance"). Per scale point it starts the
 * benchmark's Harbor ({@link BenchHarbor}) in its own process and a Dynatrace that only counts in this one, then:
 * <ol>
 * <li><b>cold</b>: {@code CONNECTOR_MODE=once java -Xmx256m -jar target/harbor-dynatrace-connector.jar}, JVM start to
 * exit, wall and CPU (user + system of every thread, JIT and GC included) from {@code /usr/bin/time};</li>
 * <li><b>floor</b>: {@link BenchFloor}, one plain thread doing the same reads, mapping and sends, measured alike;</li>
 * <li><b>warm</b>: the jar in service mode; once its first cycle has delivered everything, every image is rescanned and
 * the next cycle is measured: wall from its own cycle line, CPU from {@code /proc/<pid>/stat} around it.</li>
 * </ol>
 * Peak RSS comes from {@code /usr/bin/time} (cold) and {@code /proc/<pid>/status} (warm), peak heap from the GC log;
 * the CPU of each run by kind of thread ({@link ThreadCpu}) from {@code /proc/<pid>/task}.
 * <p>
 * {@code mvn -B -q -Pperf verify} (scale points: {@code -Dbench.scales=100000,350000,1000000}, findings per image:
 * {@code -Dbench.findings=200}, the runs: {@code -Dbench.runs=cold,warm,floor}, the JVM and its options:
 * {@code -Dbench.java=<java binary>}, {@code -Dbench.jvm.once="..."}, {@code -Dbench.jvm.service="..."}; the perf profile sets
 * those of the README's run commands).
 */
public final class PackagedJarBenchmark {

    private static final Pattern CYCLE = Pattern.compile("Harbor '[^']+' cycle (\\w+): .* seconds=([0-9.]+)");
    private static final Pattern GC_HEAP = Pattern.compile(" (\\d+)M->\\d+M\\(");
    private static final double TICKS = 100.0;

    /** @param threads CPU seconds by kind of thread ({@link ThreadCpu#GROUPS}) */
    record Run(String kind, double wall, double cpu, long rssKb, long heapMb, long harborRequests, long batches,
               long bytes, long events, Map<String, Double> threads) {
    }

    private final Path work;
    private final Path jar;
    /** The JVM options of the README's commands: for once mode, for service mode, and the floor's (once's, no archive). */
    private final List<String> once;
    private final List<String> service;
    private final List<String> plain;
    private final String classpath = System.getProperty("java.class.path");
    private final String java = System.getProperty("bench.java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    private final HttpClient http = HttpClient.newHttpClient();
    private final CountingDynatrace dynatrace;
    private String harborUrl;
    private final List<String[]> breakdown = new ArrayList<>();

    private PackagedJarBenchmark(Path work, Path jar, List<String> once, List<String> service) throws IOException {
        this.work = work;
        this.jar = jar;
        this.once = once;
        this.service = service;
        this.plain = once.stream().filter(o -> !o.startsWith("-XX:SharedArchiveFile")).toList();
        this.dynatrace = new CountingDynatrace();
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(System.getProperty("bench.jar", "target/harbor-dynatrace-connector.jar")).toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (mvn -B -q -Pperf verify does)");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/time"))) {
            throw new IllegalStateException("/usr/bin/time is needed to measure the processes (apt install time)");
        }
        int findings = Integer.getInteger("bench.findings", 200);
        List<String> once = options(System.getProperty("bench.jvm.once", ""));
        List<String> service = options(System.getProperty("bench.jvm.service", ""));
        Path work = Files.createTempDirectory("harbor-dt-bench");
        PackagedJarBenchmark bench = new PackagedJarBenchmark(work, jar, once, service);
        List<String[]> table = new ArrayList<>();
        try {
            for (String scale : System.getProperty("bench.scales", "100000,350000,1000000").split(",")) {
                int artifacts = Math.max(1, Integer.parseInt(scale.trim()) / findings);
                table.addAll(bench.scalePoint(artifacts, findings));
            }
        } finally {
            bench.dynatrace.close();
        }
        System.out.println();
        System.out.println("Java " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors()
                + " cores; cold: " + String.join(" ", once) + "; warm: " + String.join(" ", service)
                + "; floor: " + String.join(" ", bench.plain));
        System.out.printf("%-9s %-6s %7s %7s %9s %9s %8s %8s %8s %7s %8s %9s %9s%n", "findings", "run", "wall s", "CPU s",
                "wall/100k", "CPU/100k", "RSS MB", "heap MB", "requests", "batches", "MB sent", "wall:floor", "CPU:floor");
        for (String[] row : table) {
            System.out.printf("%-9s %-6s %7s %7s %9s %9s %8s %8s %8s %7s %8s %9s %9s%n", (Object[]) row);
        }
        System.out.println();
        System.out.println("Where the CPU went, seconds (share): main = JVM start, Camel Main boot, state database, "
                + "exit; camel = Camel's threads (crawl, parse, map, deliver); jit = compiler threads; gc = GC and VM "
                + "thread; other = the JVM's and libraries' other threads");
        System.out.printf("%-9s %-6s %14s %14s %14s %14s %14s%n", "findings", "run", "main", "camel", "jit", "gc", "other");
        for (String[] row : bench.breakdown) {
            System.out.printf("%-9s %-6s %14s %14s %14s %14s %14s%n", (Object[]) row);
        }
    }

    private List<String[]> scalePoint(int artifacts, int findings) throws Exception {
        long expected = (long) artifacts * (findings + 1);
        System.out.printf("%n== %,d images x %d findings = %,d events%n", artifacts, findings, expected);
        Process harbor = new ProcessBuilder(java, "-Xmx3g", "-XX:+UseParallelGC", "-cp", classpath,
                BenchHarbor.class.getName(), Integer.toString(artifacts), Integer.toString(findings))
                .redirectErrorStream(true).start();
        List<String[]> rows = new ArrayList<>();
        try {
            // its one line of output, once every answer is rendered: the port it listens on
            String port = new BufferedReader(new InputStreamReader(harbor.getInputStream(), StandardCharsets.UTF_8)).readLine();
            if (port == null || !port.matches("\\d+")) {
                throw new IllegalStateException("the benchmark Harbor did not start: " + port);
            }
            harborUrl = "http://127.0.0.1:" + port;
            List<String> runs = List.of(System.getProperty("bench.runs", "cold,warm,floor").split(","));
            Run cold = cold(expected);
            Run warm = runs.contains("warm") ? warm(expected, cold.wall()) : null;
            Run floor = runs.contains("floor") ? floor(expected) : null;
            for (Run r : new Run[] {cold, warm, floor}) {
                if (r != null) {
                    rows.add(row(expected, r, floor));
                    breakdown.add(breakdownRow(expected, r));
                }
            }
        } finally {
            harbor.destroy();
            harbor.waitFor(10, TimeUnit.SECONDS);
        }
        return rows;
    }

    private static List<String> options(String line) {
        return line.isBlank() ? List.of() : List.of(line.trim().split("\\s+"));
    }

    private static String[] row(long findings, Run r, Run floor) {
        double per = 100_000.0 / findings;
        return new String[] {String.format("%,d", findings), r.kind(), f(r.wall()), f(r.cpu()), f(r.wall() * per),
                f(r.cpu() * per), Long.toString(r.rssKb() / 1024), r.heapMb() < 0 ? "-" : Long.toString(r.heapMb()),
                Long.toString(r.harborRequests()), Long.toString(r.batches()), Long.toString(r.bytes() >> 20),
                floor == null ? "-" : String.format("%.2f", r.wall() / floor.wall()),
                floor == null ? "-" : String.format("%.2f", r.cpu() / floor.cpu())};
    }

    private static String[] breakdownRow(long findings, Run r) {
        double total = r.threads().values().stream().mapToDouble(Double::doubleValue).sum();
        List<String> cells = new ArrayList<>(List.of(String.format("%,d", findings), r.kind()));
        for (String group : ThreadCpu.GROUPS) {
            double v = r.threads().get(group);
            cells.add(String.format("%.2f (%2.0f%%)", v, total == 0 ? 0 : 100 * v / total));
        }
        return cells.toArray(String[]::new);
    }

    private static String f(double v) {
        return String.format("%.2f", v);
    }

    private Run cold(long expected) throws Exception {
        Path dir = Files.createDirectories(work.resolve("cold-" + System.nanoTime()));
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %U %S %M", "-o", dir.resolve("time").toString(), java));
        command.addAll(once);
        command.addAll(List.of("-Xlog:gc:file=" + dir.resolve("gc.log"), "-jar", jar.toString()));
        return measured("cold", dir, command, connectorEnvironment("once"), expected);
    }

    private Run floor(long expected) throws Exception {
        Path dir = Files.createDirectories(work.resolve("floor-" + System.nanoTime()));
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %U %S %M", "-o", dir.resolve("time").toString(), java));
        command.addAll(plain);
        command.addAll(List.of("-Xlog:gc:file=" + dir.resolve("gc.log"), "-cp", classpath, BenchFloor.class.getName(),
                harborUrl, dynatrace.url()));
        return measured("floor", dir, command, Map.of(), expected);
    }

    private Run measured(String kind, Path dir, List<String> command, Map<String, String> env, long expected) throws Exception {
        dynatrace.reset();
        long requestsBefore = harborRequests();
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.log").toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        Map<Long, ThreadCpu.Ticks> threads = new HashMap<>();
        Thread follower = ThreadCpu.follow(javaUnder(p), threads);
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(kind + " run failed (exit " + p.exitValue() + "); see " + dir.resolve("out.log"));
        }
        follower.join();
        String[] t = Files.readString(dir.resolve("time")).trim().split("\\s+");
        check(kind, expected);
        Run r = new Run(kind, Double.parseDouble(t[0]), Double.parseDouble(t[1]) + Double.parseDouble(t[2]),
                Long.parseLong(t[3]), peakHeap(dir.resolve("gc.log")), harborRequests() - requestsBefore,
                dynatrace.batches.get(), dynatrace.bytes.get(), dynatrace.events.get(), ThreadCpu.byGroup(Map.of(), threads));
        System.out.printf("%-5s wall %.2f s, CPU %.2f s, %,d events%n", kind, r.wall(), r.cpu(), r.events());
        return r;
    }

    /** The service: its first cycle delivers everything; then every image is rescanned and the next cycle measured. */
    private Run warm(long expected, double coldWall) throws Exception {
        Path dir = Files.createDirectories(work.resolve("warm-" + System.nanoTime()));
        dynatrace.reset();
        // the second cycle must start after the rescan: the interval leaves the first cycle room to finish
        long interval = (long) Math.ceil(coldWall * 1.5) + 10;
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(service);
        command.addAll(List.of("-Xlog:gc:file=" + dir.resolve("gc.log"), "-Dharbor.interval=" + interval + "s", "-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(connectorEnvironment("service"));
        Process p = builder.start();
        BlockingQueue<String[]> cycles = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> readCycles(p.getInputStream(), dir.resolve("out.log"), cycles), "warm-log");
        reader.setDaemon(true);
        reader.start();
        try {
            String[] first = cycles.poll(30, TimeUnit.MINUTES);
            if (first == null || !"delivered".equals(first[0])) {
                throw new IllegalStateException("the first service cycle did not deliver; see " + dir.resolve("out.log"));
            }
            check("warm (first cycle)", expected);
            dynatrace.reset();
            long requestsBefore = harborRequests();
            long ticksBefore = cpuTicks(p.pid());
            Map<Long, ThreadCpu.Ticks> threadsBefore = ThreadCpu.snapshot(p.pid());
            http.send(HttpRequest.newBuilder(URI.create(harborUrl + "/bench/rescan")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding());
            String[] second = cycles.poll(interval * 3 + 600, TimeUnit.SECONDS);
            long ticksAfter = cpuTicks(p.pid());
            Map<String, Double> threads = ThreadCpu.byGroup(threadsBefore, ThreadCpu.snapshot(p.pid()));
            long rss = peakRssKb(p.pid());
            if (second == null || !"delivered".equals(second[0])) {
                throw new IllegalStateException("the cycle after the rescan did not deliver; see " + dir.resolve("out.log"));
            }
            check("warm", expected);
            Run r = new Run("warm", Double.parseDouble(second[1]), (ticksAfter - ticksBefore) / TICKS, rss,
                    peakHeap(dir.resolve("gc.log")), harborRequests() - requestsBefore, dynatrace.batches.get(),
                    dynatrace.bytes.get(), dynatrace.events.get(), threads);
            System.out.printf("warm  wall %.2f s, CPU %.2f s, %,d events%n", r.wall(), r.cpu(), r.events());
            return r;
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The JVM that {@code /usr/bin/time} started. */
    private static long javaUnder(Process time) throws InterruptedException {
        while (time.isAlive()) {
            var child = time.toHandle().children().findFirst();
            if (child.isPresent()) {
                return child.get().pid();
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("the measured process ended before it could be followed");
    }

    private static void readCycles(InputStream in, Path log, BlockingQueue<String[]> cycles) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
             var out = Files.newBufferedWriter(log)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                out.write(line);
                out.newLine();
                Matcher m = CYCLE.matcher(line);
                if (m.find()) {
                    out.flush();
                    cycles.add(new String[] {m.group(1), m.group(2)});
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private void check(String kind, long expected) {
        if (dynatrace.events.get() != expected) {
            throw new IllegalStateException(kind + ": Dynatrace counted " + dynatrace.events.get() + " events, expected " + expected);
        }
    }

    private Map<String, String> connectorEnvironment(String mode) {
        // no management server: its fixed port would clash with a connector running beside the benchmark
        return Map.of("HARBOR_URL", harborUrl, "HARBOR_USERNAME", BenchHarbor.ROBOT, "HARBOR_PASSWORD", BenchHarbor.SECRET,
                "DT_URL", dynatrace.url(), "DT_TOKEN", "dt0c01.BENCH", "CONNECTOR_MODE", mode, "MANAGEMENT_ENABLED", "false");
    }

    private long harborRequests() throws IOException, InterruptedException {
        return Long.parseLong(http.send(HttpRequest.newBuilder(URI.create(harborUrl + "/bench/requests")).build(),
                HttpResponse.BodyHandlers.ofString()).body().trim());
    }

    /** utime + stime of every thread of the process, in clock ticks. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long peakRssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }

    /** The most heap in use before any collection, in MB; -1 when the log has none. */
    private static long peakHeap(Path gcLog) throws IOException {
        long max = -1;
        if (Files.exists(gcLog)) {
            for (String line : Files.readAllLines(gcLog)) {
                Matcher m = GC_HEAP.matcher(line);
                if (m.find()) {
                    max = Math.max(max, Long.parseLong(m.group(1)));
                }
            }
        }
        return max;
    }

    /** A Dynatrace that answers 202 and counts: batches, bytes, events (one {@code event.provider} each). */
    private static final class CountingDynatrace {
        private static final byte[] MARK = "\"event.provider\"".getBytes(StandardCharsets.UTF_8);
        final HttpServer server;
        final AtomicLong batches = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong events = new AtomicLong();

        private final ExecutorService threads = Executors.newFixedThreadPool(4);

        CountingDynatrace() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            server.setExecutor(threads);
            server.createContext("/", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        void close() {
            server.stop(0);
            threads.shutdownNow();
        }

        void reset() {
            batches.set(0);
            bytes.set(0);
            events.set(0);
        }

        private void handle(HttpExchange ex) throws IOException {
            try (ex) {
                byte[] body = ex.getRequestBody().readAllBytes();
                if (ex.getRequestURI().getPath().endsWith("/security.events")) {
                    batches.incrementAndGet();
                    bytes.addAndGet(body.length);
                    events.addAndGet(count(body));
                }
                ex.sendResponseHeaders(ex.getRequestURI().getPath().endsWith("/logs/ingest") ? 204 : 202, -1);
            }
        }

        private static long count(byte[] body) {
            long n = 0;
            outer:
            for (int i = 0; i <= body.length - MARK.length; i++) {
                for (int j = 0; j < MARK.length; j++) {
                    if (body[i + j] != MARK[j]) {
                        continue outer;
                    }
                }
                n++;
                i += MARK.length - 1;
            }
            return n;
        }
    }
}
