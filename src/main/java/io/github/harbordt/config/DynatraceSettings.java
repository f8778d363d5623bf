package io.github.harbordt.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where and how events are delivered. Without {@code dynatrace.url} (DT_URL) the connector runs dry: batches are
 * written as JSON lines under {@code dryRunDir} instead of being sent.
 */
public record DynatraceSettings(String url, String token, String securityEventsPath, String logsPath, String metricsPath,
                                long maxBatchBytes,
                                int maxBatchRecords, Duration batchTimeout, Duration connectTimeout,
                                Duration responseTimeout, int maxRedeliveries, Duration retryDelay,
                                Duration maxRetryDelay, Duration settleTimeout, Path dryRunDir,
                                Map<String, String> extraAttributes, OAuthClient oauth) {

    /**
     * An OAuth client for the ingest endpoints, used when {@code dynatrace.token} is empty: its id and secret are
     * exchanged at {@code tokenUrl} for an access token with {@code scope}.
     */
    public record OAuthClient(String id, String secret, String tokenUrl, String scope) {
        public boolean configured() {
            return !id.isEmpty();
        }

        @Override
        public String toString() {
            return "OAuthClient[" + id + "]";
        }
    }

    /** Dynatrace's extensions split at 10,000,000 bytes; stay below it. */
    public static final long HARD_MAX_BYTES = 10_000_000;

    public static DynatraceSettings load(Settings s, Path dataDir) {
        String url = s.optional("dynatrace.url").map(u -> u.replaceAll("/+$", "")).orElse("");
        String token = s.string("dynatrace.token");
        OAuthClient oauth = new OAuthClient(s.string("dynatrace.oauth-client-id"), s.string("dynatrace.oauth-client-secret"),
                s.string("dynatrace.oauth-token-url"), s.string("dynatrace.oauth-scope"));
        if (!url.isEmpty() && token.isEmpty() && !oauth.configured()) {
            throw new IllegalArgumentException("dynatrace.url (DT_URL) is set but neither dynatrace.token (DT_TOKEN) nor an "
                    + "OAuth client (DT_OAUTH_CLIENT_ID, DT_OAUTH_CLIENT_SECRET) is: create an access token with scopes "
                    + "openpipeline.events_security and logs.ingest (or a platform token) and set DT_TOKEN");
        }
        if (token.isEmpty() && oauth.configured() && oauth.secret().isEmpty()) {
            throw new IllegalArgumentException("dynatrace.oauth-client-id (DT_OAUTH_CLIENT_ID) is set but "
                    + "dynatrace.oauth-client-secret (DT_OAUTH_CLIENT_SECRET) is empty");
        }
        long maxBytes = s.longValue("dynatrace.batch.max-bytes");
        if (maxBytes < 1024 || maxBytes >= HARD_MAX_BYTES) {
            throw new IllegalArgumentException("dynatrace.batch.max-bytes must be between 1024 and 9999999, was " + maxBytes);
        }
        Map<String, String> extra = new LinkedHashMap<>();
        s.optional("dynatrace.security-context").ifPresent(v -> extra.put("dt.security_context", v));
        s.optional("dynatrace.cost-center").ifPresent(v -> extra.put("dt.cost.costcenter", v));
        s.optional("dynatrace.cost-product").ifPresent(v -> extra.put("dt.cost.product", v));
        return new DynatraceSettings(url, token,
                s.string("dynatrace.security-events-path"),
                s.string("dynatrace.logs-path"),
                s.string("dynatrace.metrics-path"),
                maxBytes, s.integer("dynatrace.batch.max-records"), s.duration("dynatrace.batch.timeout"),
                s.duration("dynatrace.connect-timeout"), s.duration("dynatrace.response-timeout"),
                s.integer("dynatrace.retry.max-redeliveries"), s.duration("dynatrace.retry.initial-delay"),
                s.duration("dynatrace.retry.max-delay"), s.duration("dynatrace.settle-timeout"),
                Path.of(s.optional("dynatrace.dry-run-dir").orElse(dataDir.resolve("dry-run").toString())), Map.copyOf(extra),
                oauth);
    }

    /** Records reach the batcher in chunks of a quarter batch, so merged batches still come out three quarters full. */
    public long chunkBytes() {
        return Math.max(1, maxBatchBytes / 4);
    }

    public boolean dryRun() {
        return url.isEmpty();
    }

    @Override
    public String toString() {
        return "DynatraceSettings[" + (dryRun() ? "dry run to " + dryRunDir : url) + "]";
    }
}
