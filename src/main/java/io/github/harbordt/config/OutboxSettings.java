package io.github.harbordt.config;

import java.time.Duration;

/**
 * The outbox, keys {@code dynatrace.outbox.*} (config/application.properties documents each): batches Dynatrace could
 * not take for a while are kept and sent again automatically.
 *
 * @param initialDelay  the wait before the first retry from the outbox; it doubles with every failed attempt
 * @param maxDelay      the longest wait between two attempts
 * @param maxAge        an entry older than this goes to the dead-letter store with the reason
 * @param checkInterval how often service mode looks for entries whose next attempt is due
 */
public record OutboxSettings(Duration initialDelay, Duration maxDelay, Duration maxAge, Duration checkInterval) {

    public static OutboxSettings load(Settings s) {
        return new OutboxSettings(s.duration("dynatrace.outbox.initial-delay"),
                s.duration("dynatrace.outbox.max-delay"), s.duration("dynatrace.outbox.max-age"),
                s.duration("dynatrace.outbox.check-interval"));
    }

    /** The wait after {@code attempts} failed attempts: doubling from the initial delay, capped, never below Retry-After. */
    public Duration backoff(int attempts, long retryAfterMillis) {
        long exponent = Math.min(Math.max(0, attempts - 1), 30);
        long millis = Math.min(maxDelay.toMillis(), initialDelay.toMillis() << exponent);
        return Duration.ofMillis(Math.max(millis, retryAfterMillis));
    }
}
