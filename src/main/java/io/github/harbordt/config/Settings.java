package io.github.harbordt.config;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/** Typed, named reads of configuration properties; every error names the property to fix. */
public final class Settings {

    private final Function<String, Optional<String>> source;

    public Settings(Function<String, Optional<String>> source) {
        this.source = source;
    }

    public Optional<String> optional(String key) {
        return source.apply(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    public String string(String key, String fallback) {
        return optional(key).orElse(fallback);
    }

    public int integer(String key, int fallback) {
        return optional(key).map(v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + "=" + v + " is not a whole number");
            }
        }).orElse(fallback);
    }

    public long longValue(String key, long fallback) {
        return optional(key).map(v -> {
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + "=" + v + " is not a whole number");
            }
        }).orElse(fallback);
    }

    public boolean bool(String key, boolean fallback) {
        return optional(key).map(v -> switch (v.toLowerCase()) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException(key + "=" + v + " must be true or false");
        }).orElse(fallback);
    }

    public Duration duration(String key, String fallback) {
        return Durations.parse(key, string(key, fallback));
    }

    /** A view where {@code key} is looked up as {@code prefix.key} first, then as {@code fallbackPrefix.key}. */
    public Settings scoped(String prefix, String fallbackPrefix) {
        return new Settings(key -> {
            Optional<String> own = optional(prefix + "." + key);
            return own.isPresent() ? own : optional(fallbackPrefix + "." + key);
        });
    }
}
