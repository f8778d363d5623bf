package io.github.harbordt.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.harbordt.config.HarborInstance;
import io.github.harbordt.config.WebhookSettings;
import io.github.harbordt.harbor.HarborPaging;
import io.github.harbordt.harbor.HarborRequests;
import io.github.harbordt.pipeline.CycleStats;
import io.github.harbordt.pipeline.HarborCycle;
import io.github.harbordt.pipeline.ScanCycles;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The steps of keeping each monitored project's webhook policy pointed at this connector
 * ({@code harbor[.<id>].webhook.policy}): {@code dry-run} logs what it would create or update, {@code apply} does it.
 * Runs at start and then on {@code webhook.policy-interval}, so new projects get their policy too.
 */
public class WebhookPolicies {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookPolicies.class);
    private static final String RUN = "harborPolicyRun";
    private static final String CHANGE = "harborPolicyChange";
    private static final String PERMISSIONS = "project:list (system) and, in every monitored project, "
            + "notification-policy create, read, list and update";

    private final Map<String, HarborInstance> instances;
    private final WebhookSettings settings;

    public WebhookPolicies(Map<String, HarborInstance> instances, WebhookSettings settings) {
        this.instances = instances;
        this.settings = settings;
    }

    /** One pass over one instance's projects. */
    private static final class Run extends HarborCycle {
        final AtomicInteger created = new AtomicInteger();
        final AtomicInteger updated = new AtomicInteger();
        final AtomicInteger unchanged = new AtomicInteger();
        final List<String> wouldChange = new ArrayList<>();

        Run(HarborInstance instance) {
            super(instance, new CycleStats(), Instant.now());
        }
    }

    /** Sets the exchange up for the instance named in the header and returns its {@code /systeminfo} URL. */
    public String begin(Exchange exchange) {
        HarborInstance instance = instances.get(exchange.getMessage().getHeader(HarborInstance.HEADER, String.class));
        Run run = new Run(instance);
        exchange.setProperty(HarborCycle.PROPERTY, run);
        exchange.setProperty(RUN, run);
        exchange.setProperty(ScanCycles.ENDPOINT, HarborRequests.endpointUri(instance));
        exchange.setProperty(HarborRequests.PERMISSIONS, PERMISSIONS);
        return instance.apiBase() + "/systeminfo";
    }

    public String projectsUrl(@ExchangeProperty(RUN) Run run) {
        HarborInstance instance = run.instance();
        return instance.apiBase() + "/projects?page=1&page_size=" + instance.pageSize();
    }

    /** Keeps the projects the filters monitor, remembering the name. */
    public boolean project(Exchange exchange) {
        String name = exchange.getMessage().getBody(JsonNode.class).path("name").asText("");
        if (name.isEmpty() || !run(exchange).instance().projects().accepts(name)) {
            return false;
        }
        exchange.setProperty(ScanCycles.PROJECT_NAME, name);
        return true;
    }

    public String policiesUrl(@ExchangeProperty(RUN) Run run, @ExchangeProperty(ScanCycles.PROJECT_NAME) String project) {
        return run.instance().apiBase() + "/projects/" + HarborPaging.encode(project)
                + "/webhook/policies?page=1&page_size=100";
    }

    /**
     * Compares the project's policies with the wanted one. Returns true when a write is to be made (its method, URL and
     * body are set); a dry run only logs it.
     */
    public boolean plan(Exchange exchange) {
        Run run = run(exchange);
        HarborInstance instance = run.instance();
        String project = exchange.getProperty(ScanCycles.PROJECT_NAME, String.class);
        List<JsonNode> existing = new ArrayList<>();
        exchange.getMessage().getBody(JsonNode.class).forEach(existing::add);
        PolicyPlan wanted = new PolicyPlan(settings.policyName(), settings.publicAddress(instance.id()),
                "Bearer " + instance.webhook().secret(), run.version().hasCloudEvents() ? "CloudEvents" : "Default");
        PolicyPlan.Change change = wanted.against(existing);
        String base = instance.apiBase() + "/projects/" + HarborPaging.encode(project) + "/webhook/policies";
        String what;
        if (change instanceof PolicyPlan.Create c) {
            what = "create policy '" + wanted.name() + "'";
            exchange.setProperty(HarborRequests.WRITE_METHOD, "POST");
            exchange.setProperty(HarborRequests.URL, base);
            exchange.setProperty(HarborRequests.WRITE_BODY, c.policy());
        } else if (change instanceof PolicyPlan.Update u) {
            what = "update policy '" + wanted.name() + "' (id " + u.id() + "; differs in " + String.join(", ", u.differences()) + ")";
            exchange.setProperty(HarborRequests.WRITE_METHOD, "PUT");
            exchange.setProperty(HarborRequests.URL, base + "/" + u.id());
            exchange.setProperty(HarborRequests.WRITE_BODY, u.policy());
        } else {
            run.unchanged.incrementAndGet();
            return false;
        }
        String line = "project " + project + ": " + what + " -> " + wanted.address() + ", events "
                + PolicyPlan.EVENT_TYPES + ", payload " + wanted.payloadFormat() + ", auth header Bearer ****";
        if (instance.webhook().policy() == HarborInstance.PolicyMode.DRY_RUN) {
            LOG.info("Harbor '{}' webhook policy, dry run (nothing written): {}", instance.id(), line);
            synchronized (run.wouldChange) {
                run.wouldChange.add(line);
            }
            return false;
        }
        exchange.setProperty(CHANGE, line);
        return true;
    }

    public void written(Exchange exchange) {
        Run run = run(exchange);
        ("POST".equals(exchange.getProperty(HarborRequests.WRITE_METHOD)) ? run.created : run.updated).incrementAndGet();
        LOG.info("Harbor '{}' webhook policy: {}", run.instance().id(), exchange.getProperty(CHANGE, String.class));
    }

    /** The pass's summary; returns what a dry run would change, for whoever triggered it. */
    public List<String> finish(@ExchangeProperty(RUN) Run run) {
        LOG.info("Harbor '{}' webhook policies ({}): created={} updated={} unchanged={} would_change={}", run.instance().id(),
                run.instance().webhook().policy().name().toLowerCase().replace('_', '-'), run.created, run.updated,
                run.unchanged, run.wouldChange.size());
        return List.copyOf(run.wouldChange);
    }

    public void abort(@ExchangeProperty(RUN) Run run, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception e) {
        LOG.warn("Harbor '{}': webhook policies not maintained this time: {}", run.instance().id(), e.getMessage());
    }

    private static Run run(Exchange exchange) {
        return exchange.getProperty(RUN, Run.class);
    }
}
