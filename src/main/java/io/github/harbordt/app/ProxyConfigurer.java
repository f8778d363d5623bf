package io.github.harbordt.app;

import io.github.harbordt.config.Proxies;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.RouteInfo;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.routing.SystemDefaultRoutePlanner;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.HttpHost;

import java.net.PasswordAuthentication;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Makes Camel's HTTP clients follow the connector's proxies: HttpClient's default route planner ignores the JVM's proxy
 * selector, and a proxy that asks for a password gets the one its URL carries. Through a CONNECT tunnel (https)
 * HttpClient answers the proxy's challenge itself; a plain-http request, which goes to the proxy whole, carries the
 * password from the start, since answering a challenge would send a whole batch twice. No server ever gets it.
 */
final class ProxyConfigurer implements HttpClientConfigurer {

    private final Proxies proxies;

    ProxyConfigurer(Proxies proxies) {
        this.proxies = proxies;
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.setRoutePlanner(new SystemDefaultRoutePlanner(null));
        if (!proxies.withCredentials()) {
            return;
        }
        builder.setDefaultCredentialsProvider((scope, context) -> proxies.credentials(scope.getHost(), scope.getPort())
                .map(c -> new UsernamePasswordCredentials(c.getUserName(), c.getPassword())).orElse(null));
        builder.addRequestInterceptorLast((request, entity, context) -> {
            RouteInfo route = HttpClientContext.castOrCreate(context).getHttpRoute();
            if (route != null && route.getProxyHost() != null && !route.isTunnelled()) {
                basic(route.getProxyHost()).ifPresent(value -> request.setHeader("Proxy-Authorization", value));
            }
        });
    }

    private Optional<String> basic(HttpHost proxy) {
        Optional<PasswordAuthentication> credentials = proxies.credentials(proxy.getHostName(), proxy.getPort());
        return credentials.map(c -> "Basic " + Base64.getEncoder().encodeToString(
                (c.getUserName() + ":" + new String(c.getPassword())).getBytes(StandardCharsets.UTF_8)));
    }
}
