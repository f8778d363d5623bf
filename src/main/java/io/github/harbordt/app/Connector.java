package io.github.harbordt.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.harbordt.auth.DynatraceCredentials;
import io.github.harbordt.auth.TrustBundle;
import io.github.harbordt.config.ClusterSettings;
import io.github.harbordt.config.DynatraceSettings;
import io.github.harbordt.config.HarborInstance;
import io.github.harbordt.config.NotificationSettings;
import io.github.harbordt.config.OutboxSettings;
import io.github.harbordt.config.Proxies;
import io.github.harbordt.config.RuntimeSettings;
import io.github.harbordt.config.Settings;
import io.github.harbordt.config.WebhookSettings;
import io.github.harbordt.demo.DemoCluster;
import io.github.harbordt.demo.DemoRegistry;
import io.github.harbordt.demo.HarborSimulator;
import io.github.harbordt.dynatrace.DeliveryRoutes;
import io.github.harbordt.dynatrace.DynatraceRequests;
import io.github.harbordt.dynatrace.MetricRoutes;
import io.github.harbordt.dynatrace.Outbox;
import io.github.harbordt.exchange.ExchangeNames;
import io.github.harbordt.harbor.HarborPages;
import io.github.harbordt.harbor.HarborRequests;
import io.github.harbordt.mapping.AuditLogMapper;
import io.github.harbordt.mapping.SecurityEventMapper;
import io.github.harbordt.notify.NotificationRoutes;
import io.github.harbordt.notify.Notifications;
import io.github.harbordt.pipeline.AuditCycles;
import io.github.harbordt.pipeline.AuditRoutes;
import io.github.harbordt.pipeline.ConnectorHealth;
import io.github.harbordt.pipeline.CycleMeters;
import io.github.harbordt.pipeline.DeliveryLedger;
import io.github.harbordt.pipeline.HarborRoutes;
import io.github.harbordt.pipeline.ScanCycles;
import io.github.harbordt.pipeline.ScanEventsProcessor;
import io.github.harbordt.runtime.DynatraceQuerySource;
import io.github.harbordt.runtime.InventorySource;
import io.github.harbordt.runtime.KubernetesSource;
import io.github.harbordt.runtime.PodListSource;
import io.github.harbordt.runtime.RuntimeContexts;
import io.github.harbordt.runtime.RuntimeRoutes;
import io.github.harbordt.state.Database;
import io.github.harbordt.state.DeadLetterStore;
import io.github.harbordt.state.OutboxStore;
import io.github.harbordt.state.PendingArtifactStore;
import io.github.harbordt.state.Replicas;
import io.github.harbordt.state.SightingStore;
import io.github.harbordt.state.StateStore;
import io.github.harbordt.webhook.WebhookHttp;
import io.github.harbordt.webhook.WebhookPolicies;
import io.github.harbordt.webhook.WebhookReceiver;
import io.github.harbordt.webhook.WebhookRoutes;
import io.github.harbordt.webhook.WebhookScans;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.processor.aggregate.DefaultAggregateController;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.slf4j.Logger;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.net.Authenticator;
import java.net.ProxySelector;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import javax.net.ssl.SSLContext;
import javax.sql.DataSource;

/**
 * Assembles the connector into a CamelContext from its settings: state database, stores, Harbor instances (or the
 * demo registry), the HTTP client settings, and the crawl and delivery routes. Used by the production configuration
 * and by the tests, so both run the same wiring.
 */
public final class Connector {

    private static final Logger LOG = LoggerFactory.getLogger(Connector.class);

    private final Map<String, HarborInstance> instances;
    private final Database database;
    private final ClusterSettings cluster;
    private final Replicas replicas;
    private final StateStore state;
    private final DeadLetterStore deadLetters;
    private final DeliveryLedger ledger;
    private final DynatraceSettings dynatrace;
    private final ScanCycles cycles;
    private final AuditCycles audits;
    private final ObjectMapper json = new ObjectMapper();
    private final HarborSimulator demo;
    private final Duration demoPatchAfter;
    private final DefaultAggregateController batcher = new DefaultAggregateController();
    private final WebhookSettings webhooks;
    private final Clock clock;
    private final RuntimeContexts runtimes;
    private final Notifications notifications;
    private final OutboxSettings outboxSettings;
    private final PendingArtifactStore pendingArtifacts;
    private final Outbox outbox;
    private final Proxies proxies;
    private VertxPlatformHttpServer webhookServer;

    private Connector(CamelContext ctx, Settings s, Clock clock) throws Exception {
        Path dataDir = Path.of(s.string("connector.data-dir"));
        createDirectories(dataDir);
        Map<String, HarborInstance> configured = new LinkedHashMap<>();
        for (String id : ids(s.string("harbor.instances"))) {
            configured.put(id, HarborInstance.load(id, s));
        }
        this.demo = startDemoIfUnconfigured(configured, clock);
        this.instances = Map.copyOf(configured);
        this.dynatrace = DynatraceSettings.load(s, dataDir);
        this.demoPatchAfter = s.duration("demo.patch-after");
        this.database = new Database(s.optional("state.jdbc-url").orElse(h2State(dataDir)), s.string("state.username"),
                s.string("state.password"));
        this.cluster = ClusterSettings.load(s);
        this.replicas = new Replicas(database, cluster.shared(database.postgres()), cluster.takeoverAfter());
        replicas.start(cluster.heartbeatInterval());
        this.state = new StateStore(database, replicas);
        this.deadLetters = new DeadLetterStore(database);
        this.ledger = new DeliveryLedger(state);
        this.webhooks = WebhookSettings.load(s);
        this.clock = clock;
        RuntimeSettings runtime = RuntimeSettings.load(s);
        NotificationSettings notifying = NotificationSettings.load(s, runtime.productionStage(), dynatrace.dryRun(), dynatrace.url());
        // before any client is made: the Kubernetes and JDK clients take their proxies when they are built
        this.proxies = useProxies(s, notifying, runtime);
        this.runtimes = runtimeContexts(runtime);
        if (demo != null) {
            // the first run shows what it would notify, not only after tomorrow's 08:00
            notifying = notifying.withAfterEachCycle();
        }
        if (notifying.enabled() && notifying.rules().requireRunning() && !runtimes.enabled()) {
            LOG.warn("Notifications need runtime context (notifications.require-running/-production), but no cluster is "
                    + "configured (runtime.clusters): nothing will be notified until one is, or both are set to false");
        }
        this.notifications = new Notifications(new SightingStore(database, replicas), notifying, runtimes, json, clock);
        DefaultAggregateController auditBatcher = new DefaultAggregateController();
        this.pendingArtifacts = new PendingArtifactStore(database);
        this.cycles = new ScanCycles(instances, state, ledger, batcher, dynatrace,
                s.duration("state.delivered-scan-retention"), runtimes.aliases(), pendingArtifacts, clock);
        this.outboxSettings = OutboxSettings.load(s);
        this.outbox = new Outbox(new OutboxStore(database, replicas), deadLetters, outboxSettings, json, clock);
        this.audits = new AuditCycles(instances, state, deadLetters, ledger, auditBatcher, dynatrace,
                new AuditLogMapper(dynatrace.extraAttributes()), outbox, json, clock);

        // found in the registry by Camel's health-check registry, beside its own checks
        ConnectorHealth health = new ConnectorHealth(instances.values(), List.of(cycles.guard(), audits.guard()), ledger,
                state, pendingArtifacts, outbox, deadLetters, database, s.duration("health.cycle-stuck-after"), clock);
        ctx.getRegistry().bind("connectorReadiness", health.readiness());
        ctx.getRegistry().bind("connectorLiveness", health.liveness());
        DynatraceSettings.OAuthClient oauth = dynatrace.oauth();
        DynatraceCredentials credentials = !dynatrace.token().isEmpty() || !oauth.configured()
                ? DynatraceCredentials.token(dynatrace.token())
                : DynatraceCredentials.oauth(oauth.id(), oauth.secret(), oauth.tokenUrl(), oauth.scope(),
                "dynatrace.oauth-client-id and -client-secret (DT_OAUTH_CLIENT_ID, DT_OAUTH_CLIENT_SECRET) and "
                        + "dynatrace.oauth-token-url", dynatrace.responseTimeout());
        configureHttp(ctx);
        caFile(s, "dynatrace.ca-file").ifPresent(bundle -> {
            // Dynatrace's calls (and the dynatrace notification channel's) trust the bundle beside the JVM's authorities;
            // so do the JDK clients that reach Dynatrace's platform (Grail, the OAuth token URL)
            ctx.getComponent("https", HttpComponent.class).setSslContextParameters(trusting(bundle));
            SSLContext.setDefault(bundle.sslContext());
        });
        ExecutorService pool = ctx.getExecutorServiceManager()
                .newFixedThreadPool(this, "harbor-fetch", s.integer("harbor.parallelism"));
        ctx.getRegistry().bind("harborPool", pool);
        for (HarborInstance instance : instances.values()) {
            HttpComponent http = ownHttp(instance.connectTimeout(), instance.responseTimeout());
            caFile(s, instance.property("ca-file")).or(() -> caFile(s, "harbor.ca-file"))
                    .ifPresent(bundle -> http.setSslContextParameters(trusting(bundle)));
            ctx.addComponent(HarborRequests.componentName(instance), http);
        }
        ScanEventsProcessor mapping = new ScanEventsProcessor(new SecurityEventMapper(dynatrace.extraAttributes()),
                deadLetters, ledger, runtimes, notifications, dynatrace);
        ctx.addRoutes(new DeliveryRoutes(dynatrace, new DynatraceRequests(dynatrace, credentials, ledger, deadLetters, outbox, json),
                batcher, auditBatcher, deliveryPool(ctx, s.integer("dynatrace.delivery-threads")), outbox));
        CycleMeters meters = new CycleMeters(state, pendingArtifacts, outbox, deadLetters, clock);
        ctx.addRoutes(new HarborRoutes(cycles, new HarborRequests(json), new HarborPages(), mapping,
                s.integer("harbor.retries"), s.duration("harbor.retry-delay"), notifications, meters,
                s.duration("harbor.progress-interval")));
        if (notifying.enabled()) {
            HttpComponent channels = ownHttp(dynatrace.connectTimeout(), dynatrace.responseTimeout());
            caFile(s, "notifications.ca-file").ifPresent(bundle -> channels.setSslContextParameters(trusting(bundle)));
            ctx.addComponent(NotificationRoutes.COMPONENT, channels);
            ctx.addRoutes(new NotificationRoutes(notifications, notifying, dynatrace, credentials));
        }
        ctx.addRoutes(new AuditRoutes(audits, meters));
        ctx.addRoutes(new MetricRoutes(dynatrace, credentials));
        if (runtimes.enabled()) {
            ctx.addRoutes(new RuntimeRoutes(runtimes, runtime.refreshInterval()));
        }
        ctx.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                runtimes.close();
                replicas.close();
                database.close();
                if (demo != null) {
                    demo.close();
                }
            }
        }, true, true);
        LOG.info("Connector ready: Harbor {} -> {}; state {}{}; runtime context {}; notifications {}; webhooks {}",
                instances.values(), dynatrace, database.location(), replicas.shared() ? " shared by replicas" : "",
                !runtimes.enabled() ? "off" : runtime.clusters().isEmpty() ? "the demo cluster" : runtime.clusters(), notifying.enabled() ? notifying.channels() : "off",
                webhooks.enabled() ? "on port " + webhooks.port() : "off");
    }

    /** The default state: an H2 file in the data folder. */
    static String h2State(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("connector");
    }

    public static Connector install(CamelContext ctx, Settings settings, Clock clock) throws Exception {
        return new Connector(ctx, settings, clock);
    }

    /**
     * Adds the Quartz-triggered routes: per instance the scan crawl ({@code harbor-<id>-scans}) and, unless switched
     * off, the audit-log read ({@code harbor-<id>-audit}); the daily notification decision.
     */
    public void schedule(CamelContext ctx) throws Exception {
        if (replicas.shared()) {
            shareSchedules(ctx);
        }
        if (demo != null) {
            patchDemoLater(ctx);
        }
        ctx.addRoutes(DeliveryRoutes.drainSchedule(outboxSettings.checkInterval()));
        if (notifications.settings().enabled()) {
            ctx.addRoutes(NotificationRoutes.schedule(notifications.settings().cron()));
        }
        for (HarborInstance instance : instances.values()) {
            schedule(ctx, instance, "scans", instance.quartzSchedule(), HarborRoutes.SCAN_CYCLE);
            if (instance.audit().enabled()) {
                schedule(ctx, instance, "audit", instance.audit().quartzSchedule(), AuditRoutes.AUDIT_CYCLE);
            }
        }
    }

    /**
     * Quartz's clustered JDBC job store on the state database: every replica registers the same triggers, and each
     * firing runs on one of them; {@code stateful} schedules never overlap across replicas either, and the schedules
     * of a replica that stops checking in are recovered by the others. Only service mode schedules, so a {@code once}
     * run never takes a firing it has no route for.
     */
    private void shareSchedules(CamelContext ctx) {
        String dataSource = "connector-state";
        DataSource pool = database.dataSource();
        DBConnectionManager.getInstance().addConnectionProvider(dataSource, new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return pool.getConnection();
            }

            @Override
            public void shutdown() {
                // the pool is the state database's, closed with it
            }

            @Override
            public void initialize() {
                // the pool is open already
            }
        });
        Map<String, Object> quartz = new LinkedHashMap<>();
        // one scheduler name for all replicas: the name is the cluster's, the id the replica's
        quartz.put("org.quartz.scheduler.instanceName", "harbor-dynatrace-connector");
        quartz.put("org.quartz.scheduler.instanceId", replicas.id());
        quartz.put("org.quartz.threadPool.threadCount", String.valueOf(Math.max(4, 3 * instances.size() + 1)));
        quartz.put("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        quartz.put("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        quartz.put("org.quartz.jobStore.dataSource", dataSource);
        quartz.put("org.quartz.jobStore.isClustered", "true");
        quartz.put("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(cluster.heartbeatInterval().toMillis()));
        quartz.put("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        // a replica that found nothing to fire looks again this soon (Quartz's default is 30 s): the others' schedules
        // come its way too, and a dead replica's are picked up sooner
        quartz.put("org.quartz.scheduler.idleWaitTime", String.valueOf(cluster.heartbeatInterval().toMillis()));
        QuartzComponent component = ctx.getComponent("quartz", QuartzComponent.class);
        component.setPrefixInstanceName(false);
        component.setProperties(quartz);
        LOG.info("Schedules shared through Quartz's clustered job store: replica {}", replicas.id());
    }

    /**
     * Service mode on the demo registry: after {@code demo.patch-after} its production nginx is rescanned without its
     * critical vulnerabilities, so the next cycle shows latest-scan truth at work ({@code resolved_groups}).
     */
    private void patchDemoLater(CamelContext ctx) throws Exception {
        ctx.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:demo-patch?repeatCount=1&delay=" + demoPatchAfter.toMillis()).routeId("demo-patch")
                        .process(e -> LOG.info("Demo registry: {}:{} rescanned after its maintainers' patch; {} critical "
                                        + "finding(s) gone, the next cycle marks their groups resolved (resolved_groups)",
                                DemoRegistry.PATCHED_REPOSITORY, DemoRegistry.PATCHED_TAG,
                                DemoRegistry.patch(demo.registry(), clock.instant())));
            }
        });
    }

    /** Adds the Quartz route {@code harbor-<id>-<task>} that sends the instance's id to {@code target}. */
    private static void schedule(CamelContext ctx, HarborInstance instance, String task, String quartzOptions, String target) {
        TemplatedRouteBuilder.builder(ctx, HarborRoutes.SCHEDULE_TEMPLATE)
                .routeId("harbor-" + instance.id() + "-" + task)
                .parameter(ExchangeNames.INSTANCE, instance.id())
                .parameter("task", task)
                .parameter("schedule", quartzOptions)
                .parameter("target", target)
                .add();
    }

    /**
     * Opens the webhook receiver when {@code webhook.enabled}: its own HTTP server on {@code webhook.port}, apart
     * from anything else the Camel context serves. Every instance must have its secret.
     */
    public void receiveWebhooks(CamelContext ctx) throws Exception {
        if (!webhooks.enabled()) {
            return;
        }
        for (HarborInstance instance : instances.values()) {
            if (instance.webhook().policy() != HarborInstance.PolicyMode.OFF && webhooks.publicUrl().isEmpty()) {
                throw new IllegalArgumentException(instance.property("webhook.policy")
                        + " asks for webhook policies but webhook.public-url (WEBHOOK_PUBLIC_URL) is empty: set it to "
                        + "the address Harbor reaches this connector at, e.g. https://connector.example.com:8090");
            }
            if (instance.webhook().secret().isEmpty()) {
                throw new IllegalArgumentException("webhook.enabled is true but " + instance.setting("webhook.secret",
                        "HARBOR_WEBHOOK_SECRET") + " is empty: choose a random secret, set it there and as the Auth "
                        + "Header of the Harbor project's webhook");
            }
        }
        // port 0 (tests): a free port chosen here, so the receiver's routes can name the server they belong to
        int port = webhooks.port() == 0 ? Ports.free() : Ports.requireFree(webhooks.port(), "webhook.port", "WEBHOOK_PORT");
        WebhookHttp http = new WebhookHttp(webhooks.host(), port, webhooks.maxBodyBytes());
        webhookServer = http.server();
        ctx.addService(webhookServer, true, true);
        ctx.addComponent(WebhookHttp.COMPONENT, http.component());
        WebhookScans scans = new WebhookScans(instances, ledger, batcher, webhooks, clock);
        ctx.addRoutes(new WebhookRoutes(webhooks, new WebhookReceiver(instances, json), scans, cycles,
                new WebhookPolicies(instances, webhooks)));
        for (HarborInstance instance : instances.values()) {
            if (instance.webhook().policy() != HarborInstance.PolicyMode.OFF) {
                schedule(ctx, instance, "webhook-policies", webhooks.policySchedule(), WebhookRoutes.POLICIES);
            }
        }
    }

    /** The port the webhook receiver listens on (the bound one when webhook.port is 0); -1 when it is off. */
    public int webhookPort() {
        return webhookServer == null ? -1 : webhookServer.getPort();
    }

    /**
     * The configured clusters' inventory sources; with the demo registry and no cluster configured, its demo cluster,
     * so the first run shows runtime context and the funnel too.
     */
    private RuntimeContexts runtimeContexts(RuntimeSettings settings) throws IOException {
        List<InventorySource> sources = new ArrayList<>();
        for (RuntimeSettings.Cluster c : settings.clusters()) {
            sources.add(c.dynatrace() != null ? new DynatraceQuerySource(c)
                    : c.podsFile().isEmpty() ? new KubernetesSource(c, proxies) : new PodListSource(c.name(), Path.of(c.podsFile()), c.stages()));
        }
        if (sources.isEmpty() && demo != null) {
            sources.add(DemoCluster.of(demo.registry()));
            LOG.warn("No cluster configured (runtime.clusters is empty): runtime context comes from the demo registry's demo cluster");
        }
        return sources.isEmpty() ? RuntimeContexts.off()
                : new RuntimeContexts(sources, settings.productionStage(), settings.firstListingWait());
    }

    private HarborSimulator startDemoIfUnconfigured(Map<String, HarborInstance> configured, Clock clock) throws IOException {
        HarborInstance only = configured.size() == 1 ? configured.get("default") : null;
        if (only != null && only.url().isEmpty()) {
            HarborSimulator simulator = new HarborSimulator(DemoRegistry.create(clock.instant()));
            configured.put("default", only.withDemoRegistry(simulator.url(), DemoRegistry.ROBOT, DemoRegistry.SECRET));
            LOG.warn("No Harbor configured (HARBOR_URL is empty): crawling the built-in demo registry at {}", simulator.url());
            return simulator;
        }
        for (HarborInstance i : configured.values()) {
            if (i.url().isEmpty()) {
                throw new IllegalArgumentException("harbor." + i.id() + ".url is empty: every instance listed in "
                        + "harbor.instances needs a URL such as https://harbor.example.com");
            }
        }
        return null;
    }

    /** A fixed pool with a queue of one batch per thread; past that the caller delivers itself (backpressure). */
    private ExecutorService deliveryPool(CamelContext ctx, int threads) {
        ThreadPoolProfile profile = new ThreadPoolProfileBuilder("dynatrace-delivery").poolSize(threads).maxPoolSize(threads)
                .maxQueueSize(threads).rejectedPolicy(ThreadPoolRejectedPolicy.CallerRuns).build();
        return ctx.getExecutorServiceManager().newThreadPool(this, "dynatrace-delivery", profile);
    }

    /**
     * An HTTP client of a destination's own: each Harbor instance (its timeouts; camel-http only has component-wide
     * ones, three minutes by default) and the notification channels (their certificate authority).
     */
    private HttpComponent ownHttp(Duration connectTimeout, Duration responseTimeout) {
        return tune(new HttpComponent(), connectTimeout, responseTimeout);
    }

    private HttpComponent tune(HttpComponent http, Duration connectTimeout, Duration responseTimeout) {
        http.setConnectTimeout(connectTimeout.toMillis());
        http.setConnectionRequestTimeout(responseTimeout.toMillis());
        http.setResponseTimeout(responseTimeout.toMillis());
        http.setSoTimeout(responseTimeout.toMillis());
        // HttpClient would otherwise retry 429/503 itself, waiting out Retry-After inside one call (CAMEL-23345);
        // the routes' bounded, backed-off redelivery is the only retry
        http.setAutomaticRetriesDisabled(true);
        http.setHttpClientConfigurer(new ProxyConfigurer(proxies));
        return http;
    }

    private void configureHttp(CamelContext ctx) {
        for (String scheme : List.of("http", "https")) {
            // the Dynatrace endpoints use the component-wide timeouts; Harbor and the channels have components of their own
            tune(ctx.getComponent(scheme, HttpComponent.class), dynatrace.connectTimeout(), dynatrace.responseTimeout());
        }
    }

    /** The PEM bundle a {@code ...ca-file} setting names, trusted beside the JVM's authorities. */
    private static Optional<TrustBundle> caFile(Settings s, String key) {
        return s.optional(key).map(file -> TrustBundle.of(Path.of(file), key));
    }

    private static SSLContextParameters trusting(TrustBundle bundle) {
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setTrustManager(bundle);
        SSLContextParameters parameters = new SSLContextParameters();
        parameters.setTrustManagers(trust);
        return parameters;
    }

    /**
     * {@code HTTPS_PROXY}, {@code HTTP_PROXY} and {@code NO_PROXY}, with each destination's own setting over them
     * ({@code harbor.<id>.proxy}, {@code dynatrace.proxy}, {@code notifications.proxy}), become the JVM's proxy
     * selector, which every HTTP client of the connector follows; the Kubernetes client is given its proxy
     * ({@link KubernetesSource}).
     */
    private Proxies useProxies(Settings s, NotificationSettings notifying, RuntimeSettings runtime) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (HarborInstance instance : instances.values()) {
            s.optional("harbor." + instance.id() + ".proxy").or(() -> s.optional("harbor.proxy"))
                    .ifPresent(p -> overrides.put(Proxies.destination(URI.create(instance.url())), p));
        }
        s.optional("dynatrace.proxy").ifPresent(p -> {
            // every Dynatrace address: ingest, its OAuth token URL, and the Grail query API of runtime.source=dynatrace
            List<String> urls = new ArrayList<>(List.of(dynatrace.url(), dynatrace.oauth().tokenUrl()));
            for (RuntimeSettings.Cluster c : runtime.clusters()) {
                if (c.dynatrace() != null) {
                    urls.addAll(List.of(c.dynatrace().url(), c.dynatrace().tokenUrl()));
                }
            }
            for (String url : urls) {
                if (!url.isEmpty()) {
                    overrides.put(Proxies.destination(URI.create(url)), p);
                }
            }
        });
        s.optional("notifications.proxy").ifPresent(p -> {
            for (String url : List.of(notifying.webhookUrl(), notifying.slackUrl(), notifying.teamsUrl(), notifying.jira().url())) {
                if (!url.isEmpty()) {
                    overrides.put(Proxies.destination(URI.create(url)), p);
                }
            }
        });
        Proxies proxies = Proxies.of(System::getenv, overrides);
        if (proxies.any()) {
            ProxySelector.setDefault(proxies);
            LOG.info("HTTP proxies: HTTPS_PROXY/HTTP_PROXY/NO_PROXY from the environment{}",
                    overrides.isEmpty() ? "" : ", with the destinations' own settings for " + overrides.keySet());
        }
        if (proxies.withCredentials()) {
            Authenticator.setDefault(proxies.authenticator());
            // the JDK's clients refuse Basic towards a proxy that tunnels HTTPS unless told otherwise; the proxy asks
            // for Basic, and the user gave it its password for exactly that
            for (String property : List.of("jdk.http.auth.tunneling.disabledSchemes", "jdk.http.auth.proxying.disabledSchemes")) {
                if (System.getProperty(property) == null) {
                    System.setProperty(property, "");
                }
            }
        }
        return proxies;
    }

    private static List<String> ids(String list) {
        List<String> ids = Arrays.stream(list.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
        for (String id : ids) {
            if (!id.matches("[a-zA-Z0-9_-]+")) {
                throw new IllegalArgumentException("harbor.instances: '" + id + "' is not a valid id (letters, digits, - and _)");
            }
        }
        return ids.isEmpty() ? List.of("default") : ids;
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("connector.data-dir=" + dir + " cannot be created", e);
        }
    }

    public Map<String, HarborInstance> instances() {
        return instances;
    }

    public StateStore state() {
        return state;
    }

    public PendingArtifactStore pendingArtifacts() {
        return pendingArtifacts;
    }

    public Outbox outbox() {
        return outbox;
    }

    public DeadLetterStore deadLetters() {
        return deadLetters;
    }

    public DeliveryLedger ledger() {
        return ledger;
    }

    public ScanCycles cycles() {
        return cycles;
    }

    public AuditCycles audits() {
        return audits;
    }

    public DynatraceSettings dynatrace() {
        return dynatrace;
    }

    public Notifications notifications() {
        return notifications;
    }

    public RuntimeContexts runtimes() {
        return runtimes;
    }

    public ObjectMapper json() {
        return json;
    }
}
