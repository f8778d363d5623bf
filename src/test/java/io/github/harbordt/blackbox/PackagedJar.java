package io.github.harbordt.blackbox;

import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The connector as a user runs it: {@code java -jar target/harbor-dynatrace-connector.jar} in its own process, in a
 * working directory of its own (so neither the repository's {@code config/} nor its {@code routes/} are seen), with
 * the packaged defaults and only the environment variables a test names, as the README tells a user to set them. No
 * variable of the test's own environment that the connector reads is passed on. The system property
 * {@code connector.jar} points the suite at another build of the jar.
 */
public final class PackagedJar implements AutoCloseable {

    /** The variables the connector documents; a developer's shell must not leak one of them into a black-box run. */
    private static final List<String> CONNECTOR_VARIABLES = List.of("HARBOR_", "DT_", "CONNECTOR_", "WEBHOOK_",
            "MANAGEMENT_", "STATE_", "CLUSTER_", "LOG_FORMAT", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY",
            "http_proxy", "https_proxy", "no_proxy", "ROUTES_DIR", "RUNTIME_", "NOTIFICATION_", "SLACK_", "TEAMS_", "JIRA_", "CAMEL_");

    private final Process process;
    private final Path output;

    private PackagedJar(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /**
     * The variables the README's "Connecting a real Harbor and Dynatrace" tells a user to set, for these fakes, plus
     * {@code more} as name, value pairs (each documented in the README too).
     */
    public static Map<String, String> connecting(FakeHarbor harbor, FakeDynatrace dynatrace, String... more) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HARBOR_URL", harbor.url());
        env.put("HARBOR_USERNAME", harbor.registry().robotName());
        env.put("HARBOR_PASSWORD", harbor.registry().robotSecret());
        env.put("DT_URL", dynatrace.url());
        env.put("DT_TOKEN", dynatrace.token());
        for (int i = 0; i + 1 < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    public static Path jar() {
        return Path.of(System.getProperty("connector.jar", "target/harbor-dynatrace-connector.jar")).toAbsolutePath();
    }

    /** Starts the jar in {@code workDir} with these environment variables (and nothing else of the connector's). */
    public static PackagedJar start(Path workDir, Map<String, String> environment) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> CONNECTOR_VARIABLES.stream().anyMatch(k::startsWith));
        builder.environment().putAll(environment);
        Path output = workDir.resolve("connector-" + System.nanoTime() + ".log");
        builder.redirectOutput(output.toFile());
        try {
            return new PackagedJar(builder.start(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the process to end and returns its exit status. */
    public int exitStatus(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the connector did not exit within " + timeout + ":\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    /** Sends SIGTERM, as {@code docker stop} and Kubernetes do, and returns the exit status. */
    public int terminate(Duration timeout) {
        process.destroy();
        return exitStatus(timeout);
    }

    public long pid() {
        return process.pid();
    }

    /** {@code kill -9}: no shutdown hook, no last write. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Everything the process printed so far (stdout and stderr). */
    public String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines printed so far that contain {@code fragment}. */
    public List<String> lines(String fragment) {
        return output().lines().filter(l -> l.contains(fragment)).toList();
    }

    /** Waits until a printed line contains {@code fragment}; fails early if the process ended without it. */
    public String awaitLine(String fragment, Duration timeout) {
        try {
            awaitPrinted(fragment, timeout);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the connector did not print '" + fragment + "' within " + timeout + ":\n" + output());
        }
        return lines(fragment).get(0);
    }

    private void awaitPrinted(String fragment, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!lines(fragment).isEmpty()) {
                return true;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the connector exited (" + process.exitValue() + ") before printing '"
                        + fragment + "':\n" + output());
            }
            return false;
        });
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
