package io.github.harbordt.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.github.harbordt.config.StageRules;
import io.github.harbordt.mapping.RuntimeContext;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.github.harbordt.runtime.Pods.digest;
import static io.github.harbordt.runtime.Pods.namespace;
import static io.github.harbordt.runtime.Pods.pod;
import static io.github.harbordt.runtime.Pods.running;
import static io.github.harbordt.runtime.Pods.terminated;
import static org.assertj.core.api.Assertions.assertThat;

/** Image matching, workloads, stages and statuses without a cluster. */
class RuntimeInventoryTest {

    private static final String HARBOR = "harbor.example.com";
    private final StageRules stages = new StageRules("environment",
            StageRules.parse("runtime.a.namespace-stages", "prod-*=production,staging-*=staging"), "development");

    @Test
    void everyRuntimesImageIdFormGivesTheManifestDigest() {
        assertThat(ContainerImage.of("docker-pullable://" + HARBOR + "/library/nginx@" + digest(1), HARBOR + "/library/nginx:1.25"))
                .isEqualTo(new ContainerImage(digest(1), "library/nginx"));
        assertThat(ContainerImage.of(HARBOR + "/library/nginx@" + digest(2), HARBOR + "/library/nginx:1.25").digest())
                .as("containerd").isEqualTo(digest(2));
        assertThat(ContainerImage.of(digest(99), HARBOR + "/library/nginx@" + digest(3)).digest())
                .as("CRI-O internal id, digest-pinned image").isEqualTo(digest(3));
        assertThat(ContainerImage.of("docker://" + digest(98), HARBOR + "/team/api:2.0"))
                .as("Docker's local image id and a tag: unresolved").isEqualTo(new ContainerImage(null, "team/api"));
        assertThat(ContainerImage.of("", "localhost:5000/team/api:2.0").repositoryPath()).isEqualTo("team/api");
        assertThat(ContainerImage.of(null, "nginx").repositoryPath()).isEqualTo("nginx");
    }

    @Test
    void matchesByDigestWhateverTheHostAndReportsWhereItRuns() {
        RuntimeInventory inventory = new RuntimeInventory.Builder().listed("prod-eu", List.of(
                        pod("prod-shop", "web-1", "web", Map.of(), HARBOR + "/library/nginx:1.25",
                                running("nginx", HARBOR + "/library/nginx:1.25", "docker-pullable://" + HARBOR + "/library/nginx@" + digest(1))),
                        // a proxy-cache project and a mirror host report the same manifest
                        pod("prod-shop", "web-2", "web", Map.of(), "mirror.internal/proxy/library/nginx:1.25",
                                running("nginx", "mirror.internal/proxy/library/nginx:1.25", "mirror.internal/proxy/library/nginx@" + digest(1))),
                        pod("staging-shop", "batch", null, Map.of(), HARBOR + "/library/nginx@" + digest(1),
                                running("nginx", HARBOR + "/library/nginx@" + digest(1), digest(97))),
                        pod("prod-shop", "old", "old", Map.of(), HARBOR + "/library/nginx:1.24",
                                terminated("nginx", HARBOR + "/library/nginx:1.24", "docker-pullable://" + HARBOR + "/library/nginx@" + digest(4)))),
                List.of(namespace("prod-shop", Map.of()), namespace("staging-shop", Map.of())), stages).build();

        RuntimeContext c = inventory.contextOf(digest(1), List.of(), "library/nginx");
        assertThat(c.status()).isEqualTo(RuntimeContext.Status.RUNNING);
        assertThat(c.runningContainers()).isEqualTo(3);
        assertThat(c.clusters()).containsExactly("prod-eu");
        assertThat(c.namespaces()).containsExactly("prod-shop", "staging-shop");
        assertThat(c.workloadKinds()).containsExactly("Deployment", "Pod");
        assertThat(c.workloadNames()).containsExactly("web", "batch");
        assertThat(c.stages()).containsExactly("production", "staging");
        assertThat(c.runsIn("production")).isTrue();
        assertThat(inventory.contextOf(digest(4), List.of(), "library/nginx").status())
                .as("only a terminated container ran it").isEqualTo(RuntimeContext.Status.NOT_RUNNING);
    }

    @Test
    void aTagNobodyCouldResolveMakesItsRepositoryUnknownNotNotRunning() {
        RuntimeInventory inventory = new RuntimeInventory.Builder().listed("c", List.of(
                pod("dev", "api", "api", Map.of(), "proxy.example.com/cache/team/api:2.0",
                        running("api", "proxy.example.com/cache/team/api:2.0", "docker://" + digest(96)))), List.of(), stages).build();

        assertThat(inventory.contextOf(digest(5), List.of(), "team/api").status()).isEqualTo(RuntimeContext.Status.UNKNOWN);
        assertThat(inventory.contextOf(digest(5), List.of(), "team/web").status()).isEqualTo(RuntimeContext.Status.NOT_RUNNING);
        assertThat(inventory.stats()).isEqualTo(new RuntimeInventory.Stats(1, 1, 1, 0));
    }

    @Test
    void aClusterThatCouldNotBeListedLeavesEverythingNotFoundUnknown() {
        RuntimeInventory inventory = new RuntimeInventory.Builder()
                .listed("a", List.of(pod("prod-x", "p", "p", Map.of(), "h/x/y@" + digest(1), running("c", "h/x/y@" + digest(1), "h/x/y@" + digest(1)))), List.of(), stages)
                .unlisted("b", "403 Forbidden").build();
        assertThat(inventory.contextOf(digest(1), List.of(), "x/y").status()).isEqualTo(RuntimeContext.Status.RUNNING);
        assertThat(inventory.contextOf(digest(2), List.of(), "x/y").status()).isEqualTo(RuntimeContext.Status.UNKNOWN);
        assertThat(RuntimeInventory.notListedYet(List.of("a")).contextOf(digest(1), List.of(), "x/y").status())
                .isEqualTo(RuntimeContext.Status.UNKNOWN);
    }

    @Test
    void aPodReportingTheIndexDigestRunsTheChildHarborScannedAndTheOtherWayRound() throws Exception {
        ImageAliases aliases = new ImageAliases();
        aliases.learn(new ObjectMapper().readTree(("{'digest':'" + digest(10) + "','references':[{'child_digest':'" + digest(11)
                + "','platform':{'architecture':'amd64','os':'linux'}},{'child_digest':'" + digest(12)
                + "','platform':{'architecture':'arm64','os':'linux'}}]}").replace('\'', '"')));
        RuntimeInventory inventory = new RuntimeInventory.Builder().listed("c", List.of(
                pod("prod-a", "a", "a", Map.of(), "h/p/multi:1", running("m", "h/p/multi:1", "h/p/multi@" + digest(10))),
                pod("prod-b", "b", "b", Map.of(), "h/p/other:1", running("m", "h/p/other:1", "h/p/other@" + digest(21)))),
                List.of(), stages).build();

        assertThat(inventory.contextOf(digest(11), aliases.of(digest(11)), "p/multi").namespaces()).containsExactly("prod-a");
        assertThat(aliases.of(digest(10))).containsExactlyInAnyOrder(digest(11), digest(12));
        assertThat(inventory.contextOf(digest(10), aliases.of(digest(10)), "p/multi").running()).isTrue();
    }

    @Test
    void stageComesFromThePodLabelThenTheNamespaceLabelThenThePatternThenTheDefault() {
        assertThat(stages.stageOf(Map.of("environment", "qa"), Map.of("environment", "production"), "prod-x")).isEqualTo("qa");
        assertThat(stages.stageOf(Map.of(), Map.of("environment", "production"), "team-x")).isEqualTo("production");
        assertThat(stages.stageOf(null, null, "prod-payments")).isEqualTo("production");
        assertThat(stages.stageOf(null, null, "staging-payments")).isEqualTo("staging");
        assertThat(stages.stageOf(null, null, "tools")).isEqualTo("development");
        assertThat(new StageRules("", List.of(), "").stageOf(Map.of("environment", "x"), null, "prod")).isNull();
    }

    @Test
    void workloadsComeFromOwnerReferences() {
        Pod job = new PodBuilder().withNewMetadata().withName("report-28901234-abcde").addNewOwnerReference()
                .withKind("Job").withName("report-28901234").withController(true).endOwnerReference().endMetadata().build();
        Pod sts = new PodBuilder().withNewMetadata().withName("db-0").addNewOwnerReference()
                .withKind("StatefulSet").withName("db").withController(true).endOwnerReference().endMetadata().build();
        assertThat(Workload.of(job)).isEqualTo(new Workload("CronJob", "report"));
        assertThat(Workload.of(sts)).isEqualTo(new Workload("StatefulSet", "db"));
        assertThat(Workload.of(pod("n", "web-7d4b9c6f5-x2x", "web", Map.of(), "i", running("c", "i", "")))).isEqualTo(new Workload("Deployment", "web"));
    }
}
