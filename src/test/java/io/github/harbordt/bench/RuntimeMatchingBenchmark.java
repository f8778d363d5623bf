package io.github.harbordt.bench;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.github.harbordt.config.FindingsFilter;
import io.github.harbordt.config.StageRules;
import io.github.harbordt.mapping.RuntimeContext;
import io.github.harbordt.runtime.RuntimeInventory;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.github.harbordt.runtime.Pods.digest;
import static io.github.harbordt.runtime.Pods.namespace;
import static io.github.harbordt.runtime.Pods.pod;
import static io.github.harbordt.runtime.Pods.running;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cost of runtime matching: building the inventory from 50,000 pods (200 namespaces, 5,000 image digests, every
 * tenth container pulled by a tag nobody can resolve) and looking up 400,000 findings (2,000 images × 200), once at
 * full size and at a quarter and a half, so a linear cost shows as a constant cost per pod and per finding. Memory is
 * the heap the built inventory keeps (after GC); pods arrive in pages of 500, as the API server sends them, and only
 * one page is held at a time.
 * Run: {@code mvn -B -q -Pbenchmark test -Dtest=RuntimeMatchingBenchmark}.
 */
class RuntimeMatchingBenchmark {

    private final StageRules stages = new StageRules("environment", StageRules.parse("b", "prod-*=production"), "development");

    @Test
    void matchingCostIsLinear() {
        run(50_000, 400_000, false);
        for (int divisor : new int[]{4, 2, 1}) {
            run(50_000 / divisor, 400_000 / divisor, true);
        }
    }

    private void run(int podCount, int findings, boolean print) {
        List<Namespace> namespaces = new ArrayList<>();
        for (int n = 0; n < 200; n++) {
            namespaces.add(namespace((n % 2 == 0 ? "prod-" : "dev-") + n, Map.of()));
        }
        long before = usedAfterGc();
        int digests = podCount / 10;
        long buildNanos = 0;
        RuntimeInventory.Builder builder = new RuntimeInventory.Builder();
        RuntimeInventory.ClusterListing listing = builder.cluster("bench", stages);
        listing.namespaces(namespaces);
        List<Pod> page = new ArrayList<>(500);
        for (int i = 0; i < podCount; i++) {
            String ns = namespaces.get(i % 200).getMetadata().getName();
            String image = "harbor.example.com/team-" + (i % 20) + "/service-" + (i % digests);
            String imageID = i % 10 == 9 ? "docker://" + digest(900_000 + i) : "docker-pullable://" + image + "@" + digest(i % digests);
            page.add(pod(ns, "p-" + i, "service-" + (i % digests), Map.of(), image + ":1.0", running("c", image + ":1.0", imageID)));
            if (page.size() == 500 || i == podCount - 1) {
                long t0 = System.nanoTime();
                listing.pods(page);
                buildNanos += System.nanoTime() - t0;
                page = new ArrayList<>(500);
            }
        }
        long t0 = System.nanoTime();
        RuntimeInventory inventory = builder.listed(listing).build();
        buildNanos += System.nanoTime() - t0;
        listing = null;
        long kept = usedAfterGc() - before;

        int images = findings / 200;
        long t1 = System.nanoTime();
        long running = 0;
        long production = 0;
        for (int f = 0; f < findings; f++) {
            int image = f % images;
            // every second image runs (digests of the pods), the others are not in the cluster
            String d = image % 2 == 0 ? digest(image % digests) : digest(1_000_000 + image);
            RuntimeContext c = inventory.contextOf(d, List.of(), "team-" + (image % 20) + "/service-" + image);
            if (c.running()) {
                running++;
            }
            if (FindingsFilter.PRODUCTION.keeps(c, "production") && c.running()) {
                production++;
            }
        }
        long lookupNanos = System.nanoTime() - t1;
        assertThat(running).isPositive();
        assertThat(production).isPositive();
        assertThat(inventory.stats().pods()).isEqualTo(podCount);
        if (print) {
            System.out.printf("Runtime matching: %,d pods -> inventory in %.0f ms (%.2f µs/pod), keeps %.1f MB; "
                            + "%,d findings looked up in %.0f ms (%.2f µs/finding)%n",
                    podCount, buildNanos / 1e6, buildNanos / 1e3 / podCount, kept / 1e6, findings,
                    lookupNanos / 1e6, lookupNanos / 1e3 / findings);
        }
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
