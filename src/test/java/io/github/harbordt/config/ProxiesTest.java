package io.github.harbordt.config;

import org.junit.jupiter.api.Test;

import java.net.Authenticator;
import java.net.PasswordAuthentication;
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
    void aProxysUserAndPasswordAnswerThatProxysChallengeOnly() throws Exception {
        Proxies p = of(Map.of("HTTPS_PROXY", "http://svc%40corp:s3cret%3Ax+y@proxy.corp:3128"),
                Map.of("harbor.lab:443", "http://egress.corp:8080"));
        assertThat(p.withCredentials()).isTrue();
        assertThat(Proxies.address(p.proxyFor(URI.create("https://x.example.com/")).orElseThrow()))
                .isEqualTo("http://proxy.corp:3128");
        PasswordAuthentication c = p.credentials("proxy.corp", 3128).orElseThrow();
        assertThat(c.getUserName()).isEqualTo("svc@corp");
        assertThat(new String(c.getPassword())).isEqualTo("s3cret:x+y");
        assertThat(p.credentials("egress.corp", 8080)).as("that proxy has none").isEmpty();
        assertThat(p.credentials("proxy.corp", 8080)).as("another port").isEmpty();

        Authenticator a = p.authenticator();
        assertThat(a.requestPasswordAuthenticationInstance("proxy.corp", null, 3128, "http", "realm", "basic", null,
                Authenticator.RequestorType.PROXY).getUserName()).isEqualTo("svc@corp");
        assertThat(a.requestPasswordAuthenticationInstance("proxy.corp", null, 3128, "https", "realm", "basic", null,
                Authenticator.RequestorType.SERVER)).as("never to a server").isNull();
        assertThat(of(Map.of("HTTPS_PROXY", "http://proxy.corp:3128"), Map.of()).withCredentials()).isFalse();
    }

    @Test
    void aProxyUrlThatCannotBeReadIsNamedWithoutItsPassword() {
        assertThatThrownBy(() -> of(Map.of("HTTPS_PROXY", "http://user:s3 cret@proxy.corp:3128"), Map.of()))
                .hasMessageContaining("HTTPS_PROXY").hasMessageNotContaining("s3 cret");
        assertThatThrownBy(() -> Proxies.setting("http://user:s3cret@", "runtime.prod.proxy"))
                .hasMessageContaining("runtime.prod.proxy").hasMessageNotContaining("s3cret");
        assertThat(Proxies.setting(" none ", "x")).isEmpty();
        assertThat(Proxies.redacted("http://user:s3cret@proxy.corp:3128")).isEqualTo("http://***@proxy.corp:3128");
        assertThat(Proxies.redacted("http://proxy.corp:3128")).isEqualTo("http://proxy.corp:3128");
    }
}
