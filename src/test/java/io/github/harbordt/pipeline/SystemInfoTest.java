package io.github.harbordt.pipeline;

import io.github.harbordt.config.HarborInstance;
import io.github.harbordt.config.Settings;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Failure lines of a cycle name what to check. */
class SystemInfoTest {

    private static HarborInstance instance(String id) {
        Map<String, String> p = Map.of("harbor.url", "https://harbor.example.com");
        return HarborInstance.load(id, new Settings(k -> Optional.ofNullable(p.get(k))));
    }

    @Test
    void anUnreachableHarborNamesTheSettingToCheck() {
        Exception wrapped = new IllegalStateException("split failed", new ConnectException("Connection refused"));
        assertThat(SystemInfo.reason(instance("default"), wrapped))
                .contains("https://harbor.example.com").contains("HARBOR_URL").contains("Connection refused");
        assertThat(SystemInfo.reason(instance("prod"), wrapped)).contains("harbor.prod.url");
        assertThat(SystemInfo.reason(instance("default"), new IllegalArgumentException("other"))).isEqualTo("other");
    }
}
