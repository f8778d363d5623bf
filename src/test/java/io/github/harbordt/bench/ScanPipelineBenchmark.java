package io.github.harbordt.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.harbordt.demo.DemoRegistry;
import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.harbor.ReportParser;
import io.github.harbordt.mapping.ScanSummary;
import io.github.harbordt.mapping.ScannedArtifact;
import io.github.harbordt.mapping.SecurityEventMapper;
import io.github.harbordt.mapping.Vulnerability;
import io.github.harbordt.pipeline.CycleResult;
import io.github.harbordt.support.ConnectorHarness;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crawls a simulated registry of 2,000 artifacts with 200 findings each through the real routes to a loopback fake
 * Dynatrace, then times a plain single-threaded parse-map-serialise loop over the same reports (the floor). One round
 * is one crawl by a fresh connector followed by the floor; the result is the median of the measured rounds.
 * <p>
 * Why several warm-up rounds: on two cores the C2 compiler works through a backlog of Camel, H2, HTTP and Jackson
 * methods for about a minute. Until it has, the mapping loop itself runs as profiled C1 code and the compiler takes
 * a third of the CPU, so an early round measures the JIT rather than the pipeline a long-running connector has.
 * <p>
 * Run: {@code mvn -B -q -Pbenchmark test -Dtest=ScanPipelineBenchmark} (256 MB heap, ParallelGC). Sizes:
 * -Dbench.artifacts, -Dbench.findings; rounds: -Dbench.warmups (5), -Dbench.rounds (3); concurrent report fetches:
 * -Dbench.parallelism (4); any connector setting: -Dbench.set.&lt;key&gt;=&lt;value&gt; (e.g.
 * -Dbench.set.dynatrace.batch.max-records=1000).
 */
class ScanPipelineBenchmark {

    @TempDir
    Path data;

    /** One round's figures; CPU seconds by thread group (connector, fakes, compiler, GC) over the crawl. */
    private record Round(double pipelineSeconds, double floorSeconds, double cpuSeconds, Map<String, Double> cpu,
                         double gcPauseSeconds, long harborRequests, int batches, long bytes, long peakLiveHeap) {

        double ratio() {
            return floorSeconds / pipelineSeconds;
        }
    }

    @Test
    void scanPipelineAgainstTheFloor() throws Exception {
        int artifacts = Integer.getInteger("bench.artifacts", 2000);
        int findings = Integer.getInteger("bench.findings", 200);
        int warmups = Integer.getInteger("bench.warmups", 5);
        int rounds = Integer.getInteger("bench.rounds", 3);
        Configurator.setRootLevel(Level.WARN);
        long findingsTotal = (long) artifacts * findings;
        System.out.printf("%nScan pipeline benchmark: %d artifacts x %d findings = %d findings (%d events), %d warm-up + %d measured rounds%n",
                artifacts, findings, findingsTotal, (long) artifacts * (findings + 1), warmups, rounds);
        System.out.printf("  %-9s %12s %12s %6s %10s %10s %9s%n", "round", "pipeline/s", "floor/s", "ratio",
                "JIT CPU", "GC CPU", "CPU");
        List<Round> measured = new ArrayList<>();
        for (int r = 0; r < warmups + rounds; r++) {
            Round round = round(artifacts, findings, data.resolve("round-" + r));
            System.out.printf("  %-9s %12.0f %12.0f %6.2f %8.2f s %8.2f s %7.2f s%n", r < warmups ? "warm-up" : "measured",
                    findingsTotal / round.pipelineSeconds(), findingsTotal / round.floorSeconds(), round.ratio(),
                    round.cpu().getOrDefault(JIT, 0.0), round.cpu().getOrDefault(GC, 0.0), round.cpuSeconds());
            if (r >= warmups) {
                measured.add(round);
            }
        }
        Round median = measured.stream().sorted(Comparator.comparingDouble(Round::ratio)).toList().get(measured.size() / 2);
        System.out.printf("%n  median measured round:%n");
        System.out.printf("  pipeline        %8.2f s  %10.0f findings/s%n", median.pipelineSeconds(), findingsTotal / median.pipelineSeconds());
        System.out.printf("  floor           %8.2f s  %10.0f findings/s  (single thread: parse reports, map, serialise)%n",
                median.floorSeconds(), findingsTotal / median.floorSeconds());
        System.out.printf("  ratio           %8.2f    (pipeline / floor; target >= 0.5)%n", median.ratio());
        System.out.printf("  process CPU     %8.2f s  during the pipeline (connector, both fakes, JIT, GC; %d cores):%n",
                median.cpuSeconds(), Runtime.getRuntime().availableProcessors());
        median.cpu().forEach((group, seconds) -> System.out.printf("    %-28s %6.2f s%n", group, seconds));
        System.out.printf("  GC pauses       %8.2f s%n", median.gcPauseSeconds());
        System.out.printf("  harbor requests %8d%n", median.harborRequests());
        System.out.printf("  batches         %8d%n", median.batches());
        System.out.printf("  bytes sent      %8.1f MB%n", median.bytes() / 1e6);
        String heapLimit = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-Xmx")).reduce((first, last) -> last).orElse("no -Xmx");
        System.out.printf("  peak live heap  %8.1f MiB (highest of the measured rounds; heap after GC, sampled every 20 ms;"
                        + " %s; the fakes run in this JVM too)%n%n",
                measured.stream().mapToLong(Round::peakLiveHeap).max().orElse(0) / 1048576.0, heapLimit);
    }

    private Round round(int artifacts, int findings, Path dataDir) throws Exception {
        SimulatedRegistry registry = DemoRegistry.synthetic(artifacts, findings, Instant.now());
        long expectedEvents = (long) artifacts * (findings + 1);
        try (FakeHarbor harbor = new FakeHarbor(registry); FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.BENCH")) {
            harbor.logRequests(false);
            dynatrace.keepEvents(false);
            ConnectorHarness connector = ConnectorHarness.start(dataDir, harbor.url(), dynatrace.url(),
                    overrides());
            try {
                System.gc();
                LiveHeap live = new LiveHeap();
                live.start();
                Map<String, Double> cpuBefore = cpuByThreadGroup();
                long cpuStart = processCpuNanos();
                long gcStart = gcPauseMillis();
                long start = System.nanoTime();
                CycleResult result = connector.runCycle();
                double seconds = (System.nanoTime() - start) / 1e9;
                double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
                long gcPause = gcPauseMillis() - gcStart;
                Map<String, Double> cpu = new TreeMap<>();
                cpuByThreadGroup().forEach((group, after) -> {
                    double used = after - cpuBefore.getOrDefault(group, 0.0);
                    if (used >= 0.1) {
                        cpu.put(group, used);
                    }
                });
                live.interrupt();
                live.join();
                assertThat(result).isEqualTo(CycleResult.DELIVERED);
                assertThat(dynatrace.eventsAccepted()).isEqualTo(expectedEvents);
                double floorSeconds = floor(harbor, registry);
                return new Round(seconds, floorSeconds, cpuSeconds, cpu, gcPause / 1e3, harbor.requestCount(),
                        dynatrace.requests().size(), dynatrace.bytesAccepted(), live.peak);
            } finally {
                connector.close();
            }
        }
    }

    /** The connector's settings for the benchmark, with the -Dbench.set.* overrides. */
    private static Map<String, String> overrides() {
        Map<String, String> o = new java.util.HashMap<>(Map.of("dynatrace.token", "dt0c01.BENCH", "harbor.response-timeout", "60s",
                "harbor.parallelism", System.getProperty("bench.parallelism", "4")));
        System.getProperties().forEach((k, v) -> {
            if (k.toString().startsWith("bench.set.")) {
                o.put(k.toString().substring("bench.set.".length()), v.toString());
            }
        });
        return o;
    }

    /** The same reports parsed, mapped and serialised in one thread, without HTTP or Camel; report generation untimed. */
    private static double floor(FakeHarbor harbor, SimulatedRegistry registry) throws Exception {
        ObjectMapper json = new ObjectMapper();
        SecurityEventMapper mapper = new SecurityEventMapper(Map.of());
        long nanos = 0;
        long sink = 0;
        for (SimulatedRegistry.Artifact a : registry.artifacts()) {
            byte[] body = harbor.report(a);
            long t = System.nanoTime();
            ReportParser.Report report = ReportParser.parse(body);
            SimulatedRegistry.Scan s = a.scan();
            ScannedArtifact artifact = new ScannedArtifact("bench", "1", "p", a.repository(), a.digest(), List.of("1"),
                    new ScanSummary(s.reportId(), "Success", s.start().toString(), s.end().toString(),
                            report.scannerName(), report.scannerVendor(), s.total()));
            sink += json.writeValueAsBytes(mapper.scanEvent(artifact, null)).length;
            for (Vulnerability v : report.vulnerabilities()) {
                sink += json.writeValueAsBytes(mapper.findingEvent(artifact, v, null)).length;
            }
            nanos += System.nanoTime() - t;
        }
        assertThat(sink).isPositive();
        return nanos / 1e9;
    }

    private static final String JIT = "JIT compiler";
    private static final String GC = "GC";

    /**
     * CPU seconds by thread name without numbers (pools fold into one line). Linux shows every thread in /proc,
     * including the JIT compiler and GC threads the JVM hides from ThreadMXBean; elsewhere only Java threads count.
     */
    private static Map<String, Double> cpuByThreadGroup() throws IOException {
        Map<String, Double> out = new TreeMap<>();
        Path tasks = Path.of("/proc/self/task");
        if (Files.isDirectory(tasks)) {
            try (Stream<Path> threads = Files.list(tasks)) {
                for (Path t : threads.toList()) {
                    String stat;
                    try {
                        stat = Files.readString(t.resolve("stat"));
                    } catch (IOException ended) {
                        continue;
                    }
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // utime and stime, in clock ticks of 1/100 s
                    double seconds = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
                    out.merge(group(name), seconds, Double::sum);
                }
            }
            return out;
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                out.merge(group(info.getThreadName()), Math.max(0, threads.getThreadCpuTime(info.getThreadId())) / 1e9, Double::sum);
            }
        }
        return out;
    }

    /** Linux cuts thread names to 15 characters: the groups are recognised by their start. */
    private static String group(String thread) {
        if (thread.startsWith("C1 CompilerThre") || thread.startsWith("C2 CompilerThre")) {
            return JIT;
        }
        if (thread.startsWith("GC Thread")) {
            return GC;
        }
        if (thread.startsWith("harbor-simulato")) {
            return "fake Harbor";
        }
        if (thread.startsWith("fake-dynatrace")) {
            return "fake Dynatrace";
        }
        if (thread.startsWith("HTTP-Dispatcher")) {
            return "both fakes' HTTP dispatch";
        }
        if (thread.startsWith("Camel")) {
            return "connector (Camel threads)";
        }
        return "other";
    }

    private static long gcPauseMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(g -> Math.max(0, g.getCollectionTime())).sum();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Samples the heap in use right after the latest collection of each pool: the live set, not garbage. */
    private static final class LiveHeap extends Thread {
        volatile long peak;

        LiveHeap() {
            super("live-heap-sampler");
            setDaemon(true);
        }

        @Override
        public void run() {
            List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP && p.getCollectionUsage() != null).toList();
            while (!isInterrupted()) {
                peak = Math.max(peak, heap.stream().mapToLong(p -> p.getCollectionUsage().getUsed()).sum());
                try {
                    sleep(20); // sampling period of a measurement thread, not a test wait
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
