package io.github.harbordt.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.harbordt.config.HarborInstance;
import io.github.harbordt.config.WebhookSettings;
import io.github.harbordt.exchange.ExchangeNames;
import io.github.harbordt.harbor.HarborUrls;
import io.github.harbordt.harbor.HarborRequests;
import io.github.harbordt.pipeline.CycleStats;
import io.github.harbordt.pipeline.HarborCycle;
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
        HarborInstance instance = instances.get(exchange.getMessage().getHeader(ExchangeNames.INSTANCE, String.class));
        Run run = new Run(instance);
        exchange.setProperty(ExchangeNames.CYCLE, run);
        exchange.setProperty(ExchangeNames.POLICY_RUN, run);
        exchange.setProperty(ExchangeNames.HARBOR_ENDPOINT, HarborRequests.endpointUri(instance));
        exchange.setProperty(ExchangeNames.PERMISSIONS, PERMISSIONS);
        return HarborUrls.of(instance).systemInfo();
    }

    public String projectsUrl(@ExchangeProperty(ExchangeNames.POLICY_RUN) Run run) {
        return HarborUrls.of(run.instance()).projects();
    }

    /** Keeps the projects the filters monitor, remembering the name. */
    public boolean project(Exchange exchange) {
        String name = exchange.getMessage().getBody(JsonNode.class).path("name").asText("");
        if (name.isEmpty() || !run(exchange).instance().projects().accepts(name)) {
            return false;
        }
        exchange.setProperty(ExchangeNames.PROJECT_NAME, name);
        return true;
    }

    public String policiesUrl(@ExchangeProperty(ExchangeNames.POLICY_RUN) Run run, @ExchangeProperty(ExchangeNames.PROJECT_NAME) String project) {
        return HarborUrls.of(run.instance()).webhookPoliciesPage(project);
    }

    /**
     * Compares the project's policies with the wanted one. Returns true when a write is to be made (its method, URL and
     * body are set); a dry run only logs it.
     */
    public boolean plan(Exchange exchange) {
        Run run = run(exchange);
        HarborInstance instance = run.instance();
        String project = exchange.getProperty(ExchangeNames.PROJECT_NAME, String.class);
        List<JsonNode> existing = new ArrayList<>();
        exchange.getMessage().getBody(JsonNode.class).forEach(existing::add);
        PolicyPlan wanted = new PolicyPlan(settings.policyName(), settings.publicAddress(instance.id()),
                "Bearer " + instance.webhook().secret(), run.version().hasCloudEvents() ? "CloudEvents" : "Default");
        PolicyPlan.Change change = wanted.against(existing);
        HarborUrls urls = HarborUrls.of(instance);
        String what;
        if (change instanceof PolicyPlan.Create c) {
            what = "create policy '" + wanted.name() + "'";
            exchange.setProperty(ExchangeNames.WRITE_METHOD, "POST");
            exchange.setProperty(ExchangeNames.HARBOR_URL, urls.webhookPolicies(project));
            exchange.setProperty(ExchangeNames.WRITE_BODY, c.policy());
        } else if (change instanceof PolicyPlan.Update u) {
            what = "update policy '" + wanted.name() + "' (id " + u.id() + "; differs in " + String.join(", ", u.differences()) + ")";
            exchange.setProperty(ExchangeNames.WRITE_METHOD, "PUT");
            exchange.setProperty(ExchangeNames.HARBOR_URL, urls.webhookPolicy(project, u.id()));
            exchange.setProperty(ExchangeNames.WRITE_BODY, u.policy());
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
        exchange.setProperty(ExchangeNames.POLICY_CHANGE, line);
        return true;
    }

    public void written(Exchange exchange) {
        Run run = run(exchange);
        ("POST".equals(exchange.getProperty(ExchangeNames.WRITE_METHOD)) ? run.created : run.updated).incrementAndGet();
        LOG.info("Harbor '{}' webhook policy: {}", run.instance().id(), exchange.getProperty(ExchangeNames.POLICY_CHANGE, String.class));
    }

    /** The pass's summary; returns what a dry run would change, for whoever triggered it. */
    public List<String> finish(@ExchangeProperty(ExchangeNames.POLICY_RUN) Run run) {
        LOG.info("Harbor '{}' webhook policies ({}): created={} updated={} unchanged={} would_change={}", run.instance().id(),
                run.instance().webhook().policy().name().toLowerCase().replace('_', '-'), run.created, run.updated,
                run.unchanged, run.wouldChange.size());
        return List.copyOf(run.wouldChange);
    }

    public void abort(@ExchangeProperty(ExchangeNames.POLICY_RUN) Run run, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception e) {
        LOG.warn("Harbor '{}': webhook policies not maintained this time: {}", run.instance().id(), e.getMessage());
    }

    private static Run run(Exchange exchange) {
        return exchange.getProperty(ExchangeNames.POLICY_RUN, Run.class);
    }
}
