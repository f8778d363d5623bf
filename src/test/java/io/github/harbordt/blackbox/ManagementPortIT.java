package io.github.harbordt.blackbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With the management port (9876) taken by another process, the connector does not start half-way without health and
 * metrics: it stops at once with one line naming the port and the setting. With management switched off it runs.
 * Both runs use the built-in demo registry, as the README's first command does.
 */
class ManagementPortIT {

    @TempDir
    Path work;

    @Test
    void aTakenManagementPortStopsTheStartWithOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(9876));
            try (PackagedJar connector = PackagedJar.start(work, Map.of())) {
                assertThat(connector.exitStatus(Duration.ofSeconds(60))).isEqualTo(5);
                String output = connector.output();
                assertThat(connector.lines("9876")).singleElement().asString()
                        .contains("camel.management.port").contains("already in use").contains("MANAGEMENT_PORT");
                assertThat(output).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("/observe/health")
                        .doesNotContain("' cycle delivered");
            }
            try (PackagedJar connector = PackagedJar.start(work, Map.of("MANAGEMENT_ENABLED", "false", "CONNECTOR_MODE", "once"))) {
                assertThat(connector.exitStatus(Duration.ofSeconds(90))).as(connector.output()).isZero();
                assertThat(connector.lines("' cycle delivered")).hasSize(1);
            }
        }
    }
}
