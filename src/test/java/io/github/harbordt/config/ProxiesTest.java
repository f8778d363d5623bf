package io.github.harbordt.config;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProxiesTest {

    private static Proxies of(Map<String, String> env, Map<String, String> overrides) {
        return Proxies.of(env::get, overrides);
    }

    @Test
    void theSchemeChoosesTheVariableAndNoProxyTheHostsThatGoDirect() {
        Proxies p = of(Map.of("HTTPS_PROXY", "http://proxy.corp:3128", "http_proxy", "proxy.corp:8080",
                "NO_PROXY", "internal.corp, .svc,*.cluster.local,harbor.lab"), Map.of());
        assertThat(p.proxyFor(URI.create("https://abc.live.dynatrace.com/api"))).contains(URI.create("http://proxy.corp:3128"));
        assertThat(p.proxyFor(URI.create("http://hooks.example.com/x"))).contains(URI.create("http://proxy.corp:8080"));
        assertThat(p.proxyFor(URI.create("https://harbor.internal.corp/api"))).isEmpty();
        assertThat(p.proxyFor(URI.create("https://internal.corp/api"))).isEmpty();
        assertThat(p.proxyFor(URI.create("https://db.ns.svc/api"))).isEmpty();
        assertThat(p.proxyFor(URI.create("https://a.b.cluster.local/api"))).isEmpty();
        assertThat(p.proxyFor(URI.create("https://harbor.lab/api"))).isEmpty();
        assertThat(p.proxyFor(URI.create("https://notharbor.lab.example/api"))).isPresent();
        assertThat(p.proxyFor(URI.create("https://127.0.0.1:8443/"))).as("NO_PROXY set: it alone decides").isPresent();
    }

    @Test
    void withoutNoProxyLoopbackGoesDirectAndADestinationMayOverrideTheEnvironment() {
        Proxies p = of(Map.of("HTTPS_PROXY", "http://proxy.corp:3128"),
                Map.of("harbor.lab:443", "none", "abc.live.dynatrace.com:443", "http://egress.corp:8080"));
        assertThat(p.proxyFor(URI.create("https://127.0.0.1:9876/"))).isEmpty();
        assertThat(p.proxyFor(URI.create("https://localhost/"))).isEmpty();
        assertThat(p.proxyFor(URI.create("https://harbor.lab/api/v2.0"))).isEmpty();
        assertThat(p.proxyFor(URI.create("https://abc.live.dynatrace.com/api"))).contains(URI.create("http://egress.corp:8080"));
        assertThat(p.proxyFor(URI.create("https://abc.live.dynatrace.com:9999/e/abc"))).as("another port, another destination")
                .contains(URI.create("http://proxy.corp:3128"));
        assertThat(p.any()).isTrue();
        assertThat(of(Map.of(), Map.of()).any()).isFalse();
    }

    @Test
    void aProxyWithAPasswordIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> of(Map.of("HTTPS_PROXY", "http://user:s3cret@proxy.corp:3128"), Map.of()))
                .hasMessageContaining("HTTPS_PROXY").hasMessageNotContaining("s3cret");
    }
}
