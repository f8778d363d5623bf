package io.github.harbordt.support;

import io.github.harbordt.demo.SimulatedRegistry;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * The loopback peers of a test and the connector under test, opened for it and closed after it, connector first:
 * {@code @RegisterExtension final Peers peers = new Peers();}. Each test gets a fresh fake Dynatrace accepting
 * {@value #TOKEN}.
 */
public final class Peers implements BeforeEachCallback, AfterEachCallback {

    public static final String TOKEN = "dt0c01.TESTTOKEN";

    private final Deque<AutoCloseable> open = new ArrayDeque<>();
    private FakeDynatrace dynatrace;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dynatrace = closeAfter(new FakeDynatrace(TOKEN));
    }

    public FakeDynatrace dynatrace() {
        return dynatrace;
    }

    /** A fake Harbor serving the registry, closed after the test. */
    public FakeHarbor harbor(SimulatedRegistry registry) throws IOException {
        return closeAfter(new FakeHarbor(registry));
    }

    /** The connector, started against these peers (the test's defaults of {@link ConnectorHarness}), stopped after the test. */
    public ConnectorHarness connector(Path dataDir, String harborUrl, String dynatraceUrl, Map<String, String> overrides)
            throws Exception {
        return closeAfter(ConnectorHarness.start(dataDir, harborUrl, dynatraceUrl, overrides));
    }

    public ConnectorHarness connector(Path dataDir, String harborUrl, String dynatraceUrl, Map<String, String> overrides,
                                      Clock clock) throws Exception {
        return closeAfter(ConnectorHarness.start(dataDir, harborUrl, dynatraceUrl, overrides, clock));
    }

    /** Anything else the test opens, closed after it, in reverse order. */
    public <T extends AutoCloseable> T closeAfter(T resource) {
        open.push(resource);
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception first = null;
        while (!open.isEmpty()) {
            try {
                open.pop().close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
