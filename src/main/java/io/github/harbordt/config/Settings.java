package io.github.harbordt.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed, named reads of configuration properties; every error names the property to fix. A key the source does not
 * set takes its default from the one place defaults are written: {@code config/application.properties}, packaged as
 * {@value #DEFAULTS}. The application's own properties already contain it; a test or an existing Camel application
 * that embeds the connector with a prefix gets the same defaults from here. Reading a key that has no documented
 * default is a mistake of the code, and fails.
 */
public final class Settings {

    /** The packaged copy of config/application.properties. */
    static final String DEFAULTS = "harbor-dynatrace-connector/application.properties";
    /** {@code {{env:NAME:default}}}: outside Camel's properties, the documented default is the part after the name. */
    private static final Pattern ENV = Pattern.compile("\\{\\{env:[A-Za-z0-9_]+:([^}]*)}}");
    private static final Properties PACKAGED = load();

    private final Function<String, Optional<String>> source;
    private final Function<String, Optional<String>> defaults;

    public Settings(Function<String, Optional<String>> source) {
        this(source, Settings::packagedDefault);
    }

    private Settings(Function<String, Optional<String>> source, Function<String, Optional<String>> defaults) {
        this.source = source;
        this.defaults = defaults;
    }

    /** The value, or empty when it is blank. */
    public Optional<String> optional(String key) {
        return value(key).filter(v -> !v.isEmpty());
    }

    /** The value, possibly blank. */
    public String string(String key) {
        return value(key).orElseThrow(() -> new IllegalStateException("The setting " + key
                + " is read but has no default in config/application.properties"));
    }

    public int integer(String key) {
        long v = longValue(key);
        if (v != (int) v) {
            throw new IllegalArgumentException(key + "=" + v + " is too large");
        }
        return (int) v;
    }

    public long longValue(String key) {
        String v = string(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + v + " is not a whole number");
        }
    }

    public boolean bool(String key) {
        String v = string(key);
        return switch (v.toLowerCase()) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException(key + "=" + v + " must be true or false");
        };
    }

    public Duration duration(String key) {
        return Durations.parse(key, string(key));
    }

    /**
     * A view where {@code key} is looked up as {@code prefix.key} first, then as {@code fallbackPrefix.key}, whose
     * defaults are those of {@code fallbackPrefix.key}.
     */
    public Settings scoped(String prefix, String fallbackPrefix) {
        return new Settings(key -> {
            Optional<String> own = source.apply(prefix + "." + key).map(String::trim).filter(v -> !v.isEmpty());
            return own.isPresent() ? own : source.apply(fallbackPrefix + "." + key);
        }, key -> defaults.apply(fallbackPrefix + "." + key));
    }

    private Optional<String> value(String key) {
        Optional<String> set = source.apply(key);
        return (set.isPresent() ? set : defaults.apply(key)).map(String::trim);
    }

    private static Optional<String> packagedDefault(String key) {
        String v = PACKAGED.getProperty(key);
        if (v == null) {
            return Optional.empty();
        }
        Matcher m = ENV.matcher(v);
        return Optional.of(m.matches() ? m.group(1) : v);
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Settings.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS + " is missing from the class path: the connector's jar is incomplete");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
