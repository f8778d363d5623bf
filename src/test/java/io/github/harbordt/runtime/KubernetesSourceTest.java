package io.github.harbordt.runtime;

import io.github.harbordt.config.Proxies;
import io.github.harbordt.config.RuntimeSettings;
import io.github.harbordt.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KubernetesSourceTest {

    @TempDir
    Path dir;

    private RuntimeSettings.Cluster cluster(String proxy) throws Exception {
        Path kubeconfig = Kubeconfigs.write(dir.resolve("kubeconfig"), "https://api.prod.example.com:6443");
        Map<String, String> s = Map.of("runtime.clusters", "prod", "runtime.prod.kubeconfig", kubeconfig.toString(),
                "runtime.prod.proxy", proxy);
        return RuntimeSettings.load(new Settings(key -> Optional.ofNullable(s.get(key)))).clusters().get(0);
    }

    @Test
    void aProxyPasswordTheKubernetesClientWouldDropStopsTheStartWithoutShowingIt() throws Exception {
        Proxies environment = Proxies.of(name -> null, Map.of());
        assertThatThrownBy(() -> new KubernetesSource(cluster("http://reader:se%3Acret@proxy.corp:3128"), environment))
                .hasMessageContaining("runtime.prod.proxy").hasMessageContaining("':'").hasMessageNotContaining("se:cret")
                .hasMessageNotContaining("se%3Acret");
        RuntimeSettings.Cluster withPassword = cluster("http://reader:secret@proxy.corp:3128");
        assertThatCode(() -> new KubernetesSource(withPassword, environment).close()).doesNotThrowAnyException();
        assertThat(withPassword.toString()).as("start-up logs it").contains("proxy=http://***@proxy.corp:3128")
                .doesNotContain("secret");
    }
}
