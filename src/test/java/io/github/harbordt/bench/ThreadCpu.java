package io.github.harbordt.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where a process's CPU went, by kind of thread, from {@code /proc/<pid>/task/<tid>/stat}: the JVM names its compiler
 * and GC threads, Camel its own, and the main thread does the start-up. The benchmark prints it beside each run, so
 * a missed target comes with its breakdown.
 */
final class ThreadCpu {

    /** The groups in the order they are printed. */
    static final List<String> GROUPS = List.of("main", "camel", "jit", "gc", "other");

    private static final double TICKS = 100.0;

    /** One thread's name and its user + system ticks so far. */
    record Ticks(String name, long ticks) {
    }

    private ThreadCpu() {
    }

    /** Every live thread of the process, by thread id; empty once it has ended. */
    static Map<Long, Ticks> snapshot(long pid) {
        Map<Long, Ticks> threads = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    threads.put(Long.parseLong(task.getFileName().toString()), new Ticks(
                            stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
                            Long.parseLong(f[11]) + Long.parseLong(f[12])));
                } catch (IOException | RuntimeException e) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        return threads;
    }

    /**
     * Samples the process every 50 ms until it ends, keeping each thread's last figure: a thread that ends between two
     * samples loses at most its last 50 ms.
     */
    static Thread follow(long pid, Map<Long, Ticks> into) {
        Thread t = new Thread(() -> {
            while (Files.exists(Path.of("/proc/" + pid))) {
                Map<Long, Ticks> now = snapshot(pid);
                synchronized (into) {
                    into.putAll(now);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "thread-cpu-" + pid);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** CPU seconds per group between two snapshots (threads new in {@code after} count from zero). */
    static Map<String, Double> byGroup(Map<Long, Ticks> before, Map<Long, Ticks> after) {
        Map<String, Double> groups = new LinkedHashMap<>();
        GROUPS.forEach(g -> groups.put(g, 0.0));
        after.forEach((tid, t) -> {
            Ticks b = before.get(tid);
            long delta = t.ticks() - (b == null || !b.name().equals(t.name()) ? 0 : b.ticks());
            groups.merge(group(t.name()), delta / TICKS, Double::sum);
        });
        return groups;
    }

    /** JDK 17 and 25 names; the kernel keeps the first 15 characters. */
    static String group(String name) {
        if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
            return "jit";
        }
        if (name.equals("VM Thread") || name.startsWith("GC Thread") || name.startsWith("G1 ") || name.startsWith("ParGC")) {
            return "gc";
        }
        if (name.equals("java") || name.startsWith("connector-")) {
            return "main";
        }
        if (name.startsWith("Camel (")) {
            return "camel";
        }
        return "other";
    }
}
