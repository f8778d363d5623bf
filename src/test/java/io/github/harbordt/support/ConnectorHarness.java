package io.github.harbordt.support;

import io.github.harbordt.app.Connector;
import io.github.harbordt.config.Settings;
import io.github.harbordt.exchange.ExchangeNames;
import io.github.harbordt.pipeline.AuditRoutes;
import io.github.harbordt.pipeline.CycleResult;
import io.github.harbordt.pipeline.HarborRoutes;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.awaitility.Awaitility;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The real connector wiring in a real CamelContext, pointed at loopback peers, with short retry delays. Cycles are
 * triggered directly instead of by Quartz, so a test decides when they run.
 */
public final class ConnectorHarness implements AutoCloseable {

    private final CamelContext context;
    private final Connector connector;
    private final ProducerTemplate template;

    private ConnectorHarness(Map<String, String> properties, Clock clock) throws Exception {
        context = new DefaultCamelContext();
        Settings settings = new Settings(key -> Optional.ofNullable(properties.get(key)));
        connector = Connector.install(context, settings, clock);
        connector.receiveWebhooks(context);
        context.start();
        template = context.createProducerTemplate();
    }

    /** Defaults for tests: fast retries, short batch timeout; {@code overrides} win. */
    public static ConnectorHarness start(Path dataDir, String harborUrl, String dynatraceUrl, Map<String, String> overrides)
            throws Exception {
        return start(dataDir, harborUrl, dynatraceUrl, overrides, Clock.systemUTC());
    }

    /** With the connector's clock, e.g. one that is off like a badly synchronised host's. */
    public static ConnectorHarness start(Path dataDir, String harborUrl, String dynatraceUrl, Map<String, String> overrides,
                                         Clock clock) throws Exception {
        Map<String, String> p = new HashMap<>();
        p.put("connector.data-dir", dataDir.toString());
        p.put("harbor.url", harborUrl);
        p.put("harbor.username", io.github.harbordt.demo.DemoRegistry.ROBOT);
        p.put("harbor.password", io.github.harbordt.demo.DemoRegistry.SECRET);
        p.put("harbor.retries", "2");
        p.put("harbor.retry-delay", "50ms");
        p.put("harbor.response-timeout", "2s");
        if (dynatraceUrl != null) {
            p.put("dynatrace.url", dynatraceUrl);
            p.put("dynatrace.token", "dt0c01.TESTTOKEN");
        }
        p.put("dynatrace.retry.initial-delay", "50ms");
        p.put("dynatrace.retry.max-delay", "2s");
        p.put("dynatrace.retry.max-redeliveries", "3");
        p.put("dynatrace.batch.timeout", "500ms");
        p.put("dynatrace.settle-timeout", "30s");
        p.putAll(overrides);
        return new ConnectorHarness(p, clock);
    }

    public CycleResult runCycle(String instanceId) {
        return template.requestBodyAndHeader(HarborRoutes.SCAN_CYCLE, null, ExchangeNames.INSTANCE, instanceId,
                CycleResult.class);
    }

    public CycleResult runCycle() {
        return runCycle("default");
    }

    public CycleResult runAuditCycle() {
        return template.requestBodyAndHeader(AuditRoutes.AUDIT_CYCLE, null, ExchangeNames.INSTANCE, "default",
                CycleResult.class);
    }

    public Connector connector() {
        return connector;
    }

    public CamelContext context() {
        return context;
    }

    public ProducerTemplate template() {
        return template;
    }

    /** Stops without waiting for queued work, as a killed process leaves it (the state database stays as it is). */
    public void kill() {
        context.getShutdownStrategy().setTimeUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
        context.getShutdownStrategy().setTimeout(100);
        context.stop();
    }

    /**
     * Lets what follows a cycle (metrics, the notification decision, on a wire-tapped copy) finish first: Camel's
     * graceful shutdown would wait for it too, but checks only once a second.
     */
    @Override
    public void close() {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> context.getInflightRepository().size() == 0);
        context.stop();
    }
}
