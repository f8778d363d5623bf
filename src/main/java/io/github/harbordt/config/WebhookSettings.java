package io.github.harbordt.config;

import java.time.Duration;

/**
 * The webhook receiver, keys {@code webhook.*} (config/application.properties documents each). Harbor posts to
 * {@code http://<host>:<port><path>/<instance id>}; each instance's secret and policy mode are in its
 * {@link HarborInstance.Webhook}.
 *
 * @param maxBodyBytes    larger requests are refused with 413 before they are read; scan webhooks are a few kB
 * @param queueSize       accepted webhooks waiting for their Harbor reads; when full, Harbor gets 503 and retries
 * @param threads         webhooks checked at once
 * @param maxBatchDelay   the longest a webhook's events wait for others to share their batch
 * @param recheckAttempts how often a scan Harbor still shows as running is read again, {@code recheckDelay} apart
 * @param publicUrl       how Harbor reaches this connector, for the policies it registers, e.g. https://connector:8090
 * @param policyInterval  how often the policies are compared (and written), the first time right after start
 */
public record WebhookSettings(boolean enabled, String host, int port, String path, long maxBodyBytes, int queueSize,
                              int threads, Duration maxBatchDelay, int recheckAttempts, Duration recheckDelay,
                              String publicUrl, String policyName, Duration policyInterval) {

    public static WebhookSettings load(Settings s) {
        String path = "/" + s.string("webhook.path").replaceAll("^/+|/+$", "");
        if (!path.matches("/[A-Za-z0-9._~/-]*")) {
            throw new IllegalArgumentException("webhook.path must be a plain URL path such as /harbor/webhook; was " + path);
        }
        int port = s.integer("webhook.port");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("webhook.port must be between 0 and 65535; was " + port);
        }
        return new WebhookSettings(s.bool("webhook.enabled"), s.string("webhook.host"), port, path,
                s.longValue("webhook.max-body-size"), Math.max(1, s.integer("webhook.queue-size")),
                Math.max(1, s.integer("webhook.threads")), s.duration("webhook.max-batch-delay"),
                Math.max(0, s.integer("webhook.recheck-attempts")), s.duration("webhook.recheck-delay"),
                s.string("webhook.public-url").replaceAll("/+$", ""), s.string("webhook.policy-name"),
                s.duration("webhook.policy-interval"));
    }

    public String policySchedule() {
        return HarborInstance.quartzSchedule("", policyInterval);
    }

    /** The address Harbor posts an instance's webhooks to, as the connector publishes it. */
    public String publicAddress(String instanceId) {
        return publicUrl + path + "/" + instanceId;
    }
}
