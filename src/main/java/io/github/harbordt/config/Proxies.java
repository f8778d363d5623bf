package io.github.harbordt.config;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Which proxy a request takes, as corporate networks set it: {@code HTTPS_PROXY} for https URLs, {@code HTTP_PROXY}
 * for http ones (lower-case names too), {@code NO_PROXY} for the hosts that go direct (names, {@code .suffix} or
 * {@code *.suffix} domains, {@code *}); without {@code NO_PROXY}, loopback addresses go direct. A destination may
 * override the environment with its own setting ({@code harbor.<id>.proxy}, {@code dynatrace.proxy},
 * {@code notifications.proxy}): a proxy URL, or {@code none}. One selector serves every HTTP client of the connector,
 * Camel's and the JDK's alike.
 */
public final class Proxies extends ProxySelector {

    private final Optional<URI> https;
    private final Optional<URI> http;
    private final Optional<List<String>> noProxy;
    /** Per destination ({@link #destination}): its own proxy, or empty for none. */
    private final Map<String, Optional<URI>> overrides;

    private Proxies(Optional<URI> https, Optional<URI> http, Optional<List<String>> noProxy,
                    Map<String, Optional<URI>> overrides) {
        this.https = https;
        this.http = http;
        this.noProxy = noProxy;
        this.overrides = overrides;
    }

    /**
     * @param environment the process environment ({@code System::getenv})
     * @param overrides   per destination ({@link #destination} of its URL), its setting's value ({@code none} or a
     *                    proxy URL); empty values are left out by the caller
     */
    public static Proxies of(UnaryOperator<String> environment, Map<String, String> overrides) {
        Map<String, Optional<URI>> byHost = new HashMap<>();
        overrides.forEach((destination, value) -> byHost.put(destination.toLowerCase(Locale.ROOT),
                value.equalsIgnoreCase("none") ? Optional.empty()
                        : Optional.of(proxyUri(value, "the proxy setting of " + destination))));
        return new Proxies(variable(environment, "HTTPS_PROXY").map(v -> proxyUri(v, "HTTPS_PROXY")),
                variable(environment, "HTTP_PROXY").map(v -> proxyUri(v, "HTTP_PROXY")),
                variable(environment, "NO_PROXY").map(v -> Arrays.stream(v.split(",")).map(String::trim)
                        .filter(s -> !s.isEmpty()).map(s -> s.toLowerCase(Locale.ROOT)).toList()),
                Map.copyOf(byHost));
    }

    /** Whether any request would take a proxy: otherwise the JDK's defaults stay as they are. */
    public boolean any() {
        return https.isPresent() || http.isPresent() || overrides.values().stream().anyMatch(Optional::isPresent);
    }

    /** What a destination's own proxy setting is keyed by: host and port, the scheme's port when none is given. */
    public static String destination(URI uri) {
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return (uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT)) + ":" + port;
    }

    /** The proxy for a URL, or empty to go direct. */
    public Optional<URI> proxyFor(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        String destination = destination(uri);
        if (overrides.containsKey(destination)) {
            return overrides.get(destination);
        }
        if (bypassed(host)) {
            return Optional.empty();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? https : http;
    }

    private boolean bypassed(String host) {
        if (noProxy.isEmpty()) {
            return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
        }
        for (String rule : noProxy.get()) {
            String domain = rule.startsWith("*.") ? rule.substring(1) : rule;
            if (rule.equals("*") || host.equals(domain) || domain.startsWith(".") && host.endsWith(domain)
                    || !domain.startsWith(".") && host.endsWith("." + domain)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<Proxy> select(URI uri) {
        return proxyFor(uri).map(p -> List.of(new Proxy(Proxy.Type.HTTP,
                InetSocketAddress.createUnresolved(p.getHost(), p.getPort() < 0 ? 80 : p.getPort())))).orElse(List.of(Proxy.NO_PROXY));
    }

    @Override
    public void connectFailed(URI uri, SocketAddress address, IOException failure) {
        // the request fails with its own message, which names the URL
    }

    private static Optional<String> variable(UnaryOperator<String> environment, String name) {
        String value = environment.apply(name);
        if (value == null || value.isBlank()) {
            value = environment.apply(name.toLowerCase(Locale.ROOT));
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static URI proxyUri(String value, String setting) {
        URI uri = URI.create(value.contains("://") ? value : "http://" + value);
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(setting + " is not a proxy URL such as http://proxy.example.com:3128");
        }
        if (uri.getUserInfo() != null) {
            throw new IllegalArgumentException(setting + " carries a user name and password: proxies that ask for them are "
                    + "not supported; use one that admits the connector's host");
        }
        return uri;
    }
}
