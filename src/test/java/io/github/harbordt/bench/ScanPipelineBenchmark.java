package io.github.harbordt.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.harbordt.demo.DemoRegistry;
import io.github.harbordt.demo.HarborSimulator;
import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.harbor.ArtifactSelector;
import io.github.harbordt.harbor.NameFilter;
import io.github.harbordt.harbor.ReportParser;
import io.github.harbordt.mapping.ScanSummary;
import io.github.harbordt.mapping.ScannedArtifact;
import io.github.harbordt.mapping.SecurityEventMapper;
import io.github.harbordt.mapping.Vulnerability;
import io.github.harbordt.pipeline.CycleResult;
import io.github.harbordt.support.ConnectorHarness;
import io.github.harbordt.support.FakeDynatrace;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crawls a simulated registry of 2,000 artifacts with 200 findings each through the real routes to a loopback fake
 * Dynatrace, then times a plain single-threaded parse-map-serialise loop over the same reports (the floor). Both are
 * first warmed up on a run of the same size.
 * Run: {@code mvn -B -q -Pbenchmark test} (256 MB heap, ParallelGC). Sizes: -Dbench.artifacts, -Dbench.findings;
 * concurrent report fetches: -Dbench.parallelism (default 4).
 */
class ScanPipelineBenchmark {

    @TempDir
    Path data;

    @Test
    void scanPipelineAgainstTheFloor() throws Exception {
        int artifacts = Integer.getInteger("bench.artifacts", 2000);
        int findings = Integer.getInteger("bench.findings", 200);
        Configurator.setRootLevel(Level.WARN);
        // same warm-up for both sides, so neither is measured while the JIT is still compiling
        run(artifacts, findings, data.resolve("warm-up"), false);
        run(artifacts, findings, data.resolve("measured"), true);
    }

    private void run(int artifacts, int findings, Path dataDir, boolean print) throws Exception {
        SimulatedRegistry registry = DemoRegistry.synthetic(artifacts, findings, Instant.now());
        long expectedEvents = (long) artifacts * (findings + 1);

        try (HarborSimulator harbor = new HarborSimulator(registry); FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.BENCH")) {
            harbor.logRequests(false);
            dynatrace.keepEvents(false);
            ConnectorHarness connector = ConnectorHarness.start(dataDir, harbor.url(), dynatrace.url(),
                    Map.of("dynatrace.token", "dt0c01.BENCH", "harbor.response-timeout", "60s",
                            "harbor.parallelism", System.getProperty("bench.parallelism", "4")));
            try {
                System.gc();
                LiveHeap live = new LiveHeap();
                live.start();
                long start = System.nanoTime();
                long cpuStart = processCpuNanos();
                long gcStart = gcMillis();
                long jitStart = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
                Map<String, Long> threadsBefore = cpuByThreadGroup();
                CycleResult result = connector.runCycle();
                long gcPipeline = gcMillis() - gcStart;
                long jitPipeline = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitStart;
                Map<String, Long> threadsAfter = cpuByThreadGroup();
                double seconds = (System.nanoTime() - start) / 1e9;
                double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
                live.interrupt();
                live.join();
                assertThat(result).isEqualTo(CycleResult.DELIVERED);
                assertThat(dynatrace.eventsAccepted()).isEqualTo(expectedEvents);

                long gcFloorStart = gcMillis();
                double floorSeconds = floor(harbor, registry);
                long gcFloor = gcMillis() - gcFloorStart;
                if (!print) {
                    return;
                }
                double pipelineRate = artifacts * (double) findings / seconds;
                double floorRate = artifacts * (double) findings / floorSeconds;
                System.out.printf("%nScan pipeline benchmark: %d artifacts x %d findings = %d findings (%d events)%n",
                        artifacts, findings, (long) artifacts * findings, expectedEvents);
                System.out.printf("  pipeline        %8.2f s  %10.0f findings/s%n", seconds, pipelineRate);
                System.out.printf("  floor           %8.2f s  %10.0f findings/s  (single thread: parse reports, map, serialise)%n",
                        floorSeconds, floorRate);
                System.out.printf("  ratio           %8.2f    (pipeline / floor; target >= 0.5)%n", pipelineRate / floorRate);
                System.out.printf("  process CPU     %8.2f s  during the pipeline (connector and both fakes; %d cores)%n",
                        cpuSeconds, Runtime.getRuntime().availableProcessors());
                System.out.printf("  GC time         %8.2f s  pipeline, %.2f s floor; JIT compiling %.2f s during the pipeline%n",
                        gcPipeline / 1e3, gcFloor / 1e3, jitPipeline / 1e3);
                long javaThreads = 0;
                for (Map.Entry<String, Long> e : threadsAfter.entrySet()) {
                    long used = e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0L);
                    javaThreads += used;
                    if (used > 100_000_000L) {
                        System.out.printf("    %-28s %6.2f s CPU%n", e.getKey(), used / 1e9);
                    }
                }
                System.out.printf("    %-28s %6.2f s CPU%n", "JVM (GC, JIT)", cpuSeconds - javaThreads / 1e9);
                System.out.printf("  harbor requests %8d%n", harbor.requestCount());
                System.out.printf("  batches         %8d%n", dynatrace.requests().size());
                System.out.printf("  bytes sent      %8.1f MB%n", dynatrace.bytesAccepted() / 1e6);
                System.out.printf("  peak live heap  %8.1f MB  (heap after GC, sampled every 20 ms; -Xmx %d MB; the fakes run in this JVM too)%n%n",
                        live.peak / 1e6, Runtime.getRuntime().maxMemory() / 1_000_000);
            } finally {
                connector.close();
            }
        }
    }

    /** The same reports parsed, mapped and serialised in one thread, without HTTP or Camel; report generation untimed. */
    private static double floor(HarborSimulator harbor, SimulatedRegistry registry) throws Exception {
        ObjectMapper json = new ObjectMapper();
        SecurityEventMapper mapper = new SecurityEventMapper(Map.of());
        long nanos = 0;
        long sink = 0;
        long generation = 0;
        for (SimulatedRegistry.Artifact a : registry.artifacts()) {
            long g = System.nanoTime();
            byte[] body = harbor.report(a);
            long t = System.nanoTime();
            generation += t - g;
            ReportParser.Report report = ReportParser.parse(json.readTree(body));
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
        System.out.printf("  (fake Harbor needs %.2f s of one core to generate these reports)%n", generation / 1e9);
        return nanos / 1e9;
    }

    /** CPU time of live threads by name without numbers (thread pools fold into one line). */
    private static Map<String, Long> cpuByThreadGroup() {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new java.util.TreeMap<>();
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu > 0) {
                out.merge(info.getThreadName().replaceAll("\\d+", "#"), cpu, Long::sum);
            }
        }
        return out;
    }

    private static long gcMillis() {
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
