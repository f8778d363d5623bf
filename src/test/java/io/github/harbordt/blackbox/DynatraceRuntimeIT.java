package io.github.harbordt.blackbox;

import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeGrail;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.Registries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar taking its runtime context from Dynatrace (OneAgent's entities through the Grail query API), set
 * up as the README says: RUNTIME_CLUSTERS, DT_PLATFORM_URL, DT_PLATFORM_TOKEN and the source in
 * config/application.properties.
 */
class DynatraceRuntimeIT {

    @TempDir
    Path work;

    @Test
    void findingsCarryWhereOneAgentSeesTheirImageRun() throws Exception {
        SimulatedRegistry r = Registries.empty("v2.15.0-a1b2c3d4");
        r.project("shop", false);
        SimulatedRegistry.Artifact api = r.push("shop/api", Registries.digest(7), "IMAGE", List.of("3.1"),
                Registries.success(Instant.now().minusSeconds(120), List.of(
                        Registries.vuln("CVE-2024-3094", "xz-utils", "5.6.0", "5.6.1", "Critical", 10.0))));
        Files.createDirectories(work.resolve("config"));
        Files.writeString(work.resolve("config/application.properties"), "runtime.oneagent.source = dynatrace\n");
        try (FakeHarbor harbor = new FakeHarbor(r); FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.INGEST");
             FakeGrail grail = new FakeGrail("dt0s16.PLATFORM")) {
            Map<String, Object> row = new HashMap<>(Map.of("digest", api.digest(), "status", "running", "cluster", "eu-1",
                    "namespace", "shop-prod", "workload_name", "api", "stage", "production"));
            grail.records(List.of(row));
            grail.pollsBeforeResult(1);
            try (PackagedJar connector = PackagedJar.start(work, PackagedJar.connecting(harbor, dynatrace,
                    "CONNECTOR_MODE", "once", "RUNTIME_CLUSTERS", "oneagent", "DT_PLATFORM_URL", grail.url(),
                    "DT_PLATFORM_TOKEN", "dt0s16.PLATFORM"))) {
                int status = connector.exitStatus(Duration.ofSeconds(90));
                assertThat(connector.lines("Runtime inventory: clusters=1")).first().asString()
                        .contains("unlisted=[]").contains("running_containers=1");
                assertThat(connector.lines("' cycle delivered")).singleElement().asString().contains("funnel=1>1>1>1>1 ");
                assertThat(connector.output()).doesNotContain("dt0s16.PLATFORM");
                assertThat(status).as(connector.output()).isZero();
            }
            assertThat(grail.requests()).contains("POST query:execute", "GET query:poll");
            assertThat(dynatrace.events("VULNERABILITY_FINDING")).singleElement().satisfies(f -> {
                assertThat(f.path("runtime.status").asText()).isEqualTo("RUNNING");
                assertThat(f.path("k8s.namespace.name").toString()).contains("shop-prod");
                assertThat(f.path("deployment.release_stage").toString()).contains("production");
            });
        }
    }
}
