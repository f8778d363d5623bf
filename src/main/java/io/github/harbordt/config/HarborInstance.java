package io.github.harbordt.config;

import io.github.harbordt.mapping.RiskLevel;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * Settings of one monitored Harbor. Every key {@code harbor.<id>.<key>} falls back to {@code harbor.<key>}, so a
 * single registry is configured with the plain {@code harbor.*} keys (see config/application.properties).
 */
public record HarborInstance(String id, String url, String username, String password, String registry,
                             String cron, Duration interval, Duration lookBack, Duration overlap, boolean backfill,
                             NameFilter projects, NameFilter repositories, RiskLevel minSeverity,
                             int pageSize, int maxPages, Duration connectTimeout, Duration responseTimeout,
                             AuditSettings audit, Webhook webhook, FindingsFilter sendFindings) {

    /** Harbor answers 422 to a larger {@code page_size}. */
    public static final int MAX_PAGE_SIZE = 100;

    /** What the connector does about the webhook policies in the instance's projects. */
    public enum PolicyMode { OFF, DRY_RUN, APPLY }

    /**
     * The instance's side of the webhook: keys {@code harbor[.<id>].webhook.*}.
     *
     * @param secret what Harbor must send as its {@code Authorization} header (bare, or after {@code Bearer })
     */
    public record Webhook(String secret, PolicyMode policy) {
        @Override
        public String toString() {
            return "Webhook[policy=" + policy + "]";
        }
    }

    public static HarborInstance load(String id, Settings all) {
        Settings s = all.scoped("harbor." + id, "harbor");
        String url = s.optional("url").map(HarborInstance::trimSlash).orElse("");
        if (!url.isEmpty() && !url.matches("(?i)https?://[^/]+.*")) {
            throw new IllegalArgumentException("harbor." + id + ".url (or HARBOR_URL) must look like https://harbor.example.com, was: " + url);
        }
        int pageSize = s.integer("page-size");
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("harbor.page-size must be between 1 and 100 (Harbor answers 422 above 100, "
                    + "and 0 would mean an unbounded page); was " + pageSize);
        }
        String minSeverity = s.string("min-severity").toUpperCase(Locale.ROOT);
        RiskLevel min;
        try {
            min = RiskLevel.valueOf(minSeverity);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("harbor.min-severity must be one of CRITICAL, HIGH, MEDIUM, LOW, NONE; was " + minSeverity);
        }
        return new HarborInstance(id, url, s.string("username"), s.string("password"),
                s.optional("registry").orElse(url.isEmpty() ? "" : hostOf(url)),
                s.string("cron"), s.duration("interval"), s.duration("look-back"),
                s.duration("overlap"), s.bool("backfill"),
                new NameFilter(s.string("projects.include"), s.string("projects.exclude")),
                new NameFilter(s.string("repositories.include"), s.string("repositories.exclude")),
                min, pageSize, s.integer("max-pages"), s.duration("connect-timeout"),
                s.duration("response-timeout"), AuditSettings.load(s),
                new Webhook(s.string("webhook.secret"), policyMode(id, s.string("webhook.policy"))),
                FindingsFilter.parse(property(id, "send-findings"), s.string("send-findings")));
    }

    /** The same instance pointed at the built-in demo registry. */
    public HarborInstance withDemoRegistry(String demoUrl, String demoUser, String demoPassword) {
        return new HarborInstance(id, demoUrl, demoUser, demoPassword, "demo-harbor.local", cron, interval, lookBack,
                overlap, backfill, projects, repositories, minSeverity, pageSize, maxPages, connectTimeout,
                responseTimeout, audit, webhook, sendFindings);
    }

    private static PolicyMode policyMode(String id, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "off", "false" -> PolicyMode.OFF;
            case "dry-run" -> PolicyMode.DRY_RUN;
            case "apply" -> PolicyMode.APPLY;
            default -> throw new IllegalArgumentException(property(id, "webhook.policy") + " must be off, dry-run or apply; was " + value);
        };
    }

    /** How a user sets {@code key} for this instance, for error messages: the env variable for the default instance. */
    public String setting(String key, String envVariable) {
        return "default".equals(id) ? envVariable + " (" + property(key) + ")" : property(key);
    }

    /** The property that sets {@code key} for this instance. */
    public String property(String key) {
        return property(id, key);
    }

    private static String property(String id, String key) {
        return "default".equals(id) ? "harbor." + key : "harbor." + id + "." + key;
    }

    /** The settings holding this instance's robot credentials, for error messages. */
    public String credentialSettings() {
        return setting("username", "HARBOR_USERNAME") + " and " + setting("password", "HARBOR_PASSWORD");
    }

    /** Quartz endpoint options: a cron when one is set, else a simple interval that also fires right after start. */
    public String quartzSchedule() {
        return quartzSchedule(cron, interval);
    }

    static String quartzSchedule(String cron, Duration interval) {
        if (!cron.isBlank()) {
            return "cron=" + cron.trim().replace(' ', '+');
        }
        return "trigger.repeatInterval=" + interval.toMillis() + "&trigger.repeatCount=-1";
    }

    private static String trimSlash(String url) {
        String u = url.trim();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }

    /** The registry name of a Harbor address: its host, and its port when one is given. */
    public static String hostOf(String url) {
        URI uri = URI.create(url);
        return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }

    @Override
    public String toString() {
        // never print the password
        return "HarborInstance[" + id + " " + url + " user=" + username + "]";
    }
}
