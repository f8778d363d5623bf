package io.github.harbordt.config;

import java.io.IOException;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Which proxy a request takes, as corporate networks set it: {@code HTTPS_PROXY} for https URLs, {@code HTTP_PROXY}
 * for http ones (lower-case names too), {@code NO_PROXY} for the hosts that go direct (names, {@code .suffix} or
 * {@code *.suffix} domains, {@code *}); without {@code NO_PROXY}, loopback addresses go direct. A destination may
 * override the environment with its own setting ({@code harbor.<id>.proxy}, {@code dynatrace.proxy},
 * {@code notifications.proxy}, {@code runtime.<name>.proxy}): a proxy URL, or {@code none}. One selector serves every
 * HTTP client of the connector, Camel's and the JDK's alike. A proxy URL may carry a user and password
 * ({@code http://user:password@proxy:3128}, percent-encoded): they answer the proxy's Basic challenge and never appear
 * in a message.
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
                setting(value, "the proxy setting of " + destination)));
        return new Proxies(variable(environment, "HTTPS_PROXY").map(v -> proxyUri(v, "HTTPS_PROXY")),
                variable(environment, "HTTP_PROXY").map(v -> proxyUri(v, "HTTP_PROXY")),
                variable(environment, "NO_PROXY").map(v -> Arrays.stream(v.split(",")).map(String::trim)
                        .filter(s -> !s.isEmpty()).map(s -> s.toLowerCase(Locale.ROOT)).toList()),
                Map.copyOf(byHost));
    }

    /**
     * A destination's own proxy setting: empty for {@code none}, else the proxy's URL.
     *
     * @param setting the setting's name, for the message when the value is no proxy URL
     */
    public static Optional<URI> setting(String value, String setting) {
        return value.trim().equalsIgnoreCase("none") ? Optional.empty() : Optional.of(proxyUri(value.trim(), setting));
    }

    /** Whether any request would take a proxy: otherwise the JDK's defaults stay as they are. */
    public boolean any() {
        return proxies().findAny().isPresent();
    }

    /** Whether the environment names a proxy (the Kubernetes client keeps its kubeconfig's proxy-url otherwise). */
    public boolean fromEnvironment() {
        return https.isPresent() || http.isPresent();
    }

    /** Whether some proxy asks for a user and password. */
    public boolean withCredentials() {
        return proxies().anyMatch(p -> p.getRawUserInfo() != null);
    }

    /** The user and password a proxy URL carries. */
    public static Optional<PasswordAuthentication> credentials(URI proxy) {
        String userInfo = proxy.getRawUserInfo();
        if (userInfo == null) {
            return Optional.empty();
        }
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
        String password = colon < 0 ? "" : userInfo.substring(colon + 1);
        return Optional.of(new PasswordAuthentication(percentDecoded(user), percentDecoded(password).toCharArray()));
    }

    /** A URL's percent-encoding undone; a '+' stays a '+' (it means a space only in forms). */
    private static String percentDecoded(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The user and password of the proxy at this host and port, if it is one of ours and has them. */
    public Optional<PasswordAuthentication> credentials(String host, int port) {
        return proxies().filter(p -> p.getHost().equalsIgnoreCase(host) && port(p) == port)
                .map(Proxies::credentials).flatMap(Optional::stream).findFirst();
    }

    /** A proxy setting as it may be shown: a user and password in it become {@code ***}. */
    public static String redacted(String value) {
        return value.replaceFirst("(?<=://)[^/@]*@", "***@");
    }

    /** The proxy's address as a client is given it: host and port, no user or password (spoken to in plain HTTP). */
    public static String address(URI proxy) {
        return "http://" + proxy.getHost() + ":" + port(proxy);
    }

    /** Answers the proxies' challenges (the JDK's clients and {@code java.net} ask it), never a server's. */
    public Authenticator authenticator() {
        return new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return getRequestorType() == RequestorType.PROXY
                        ? credentials(getRequestingHost(), getRequestingPort()).orElse(null) : null;
            }
        };
    }

    /**
     * A JDK HTTP client builder that follows the JVM's proxies and answers their challenges: the JDK's client takes the
     * default proxy selector by itself, but an authenticator only when given one.
     */
    public static HttpClient.Builder jdkClient(Duration connectTimeout) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(connectTimeout);
        Authenticator authenticator = Authenticator.getDefault();
        return authenticator == null ? builder : builder.authenticator(authenticator);
    }

    private Stream<URI> proxies() {
        return Stream.concat(Stream.of(https, http), overrides.values().stream()).flatMap(Optional::stream);
    }

    private static int port(URI proxy) {
        return proxy.getPort() < 0 ? 80 : proxy.getPort();
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
                InetSocketAddress.createUnresolved(p.getHost(), port(p))))).orElse(List.of(Proxy.NO_PROXY));
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

    /** The message never holds the value: it may carry a password. */
    private static URI proxyUri(String value, String setting) {
        String problem = setting + " is not a proxy URL such as http://proxy.example.com:3128 or "
                + "http://user:password@proxy.example.com:3128 (user and password percent-encoded)";
        URI uri;
        try {
            uri = URI.create(value.contains("://") ? value : "http://" + value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(problem);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(problem);
        }
        return uri;
    }
}
