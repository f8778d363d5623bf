package io.github.harbordt.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kustomize base under {@code config/kubernetes/}, read with fabric8's model, against what the packaged jar
 * really serves and reads: the probe paths answer on the management port, the ports are the defaults, every variable
 * of the Secret and every key of the ConfigMap is one the connector documents, the mounts are where it looks for its
 * configuration and data, the replicas share a PostgreSQL, and the grace period outlasts the shutdown timeout. The
 * CronJob variant and {@code docker-compose.yml} are held to the same.
 */
class KubernetesManifestsIT {

    private static final Path DIR = Path.of("config/kubernetes");
    private static final Pattern ENV = Pattern.compile("\\{\\{env:([A-Z_]+):");

    @TempDir
    Path work;

    @Test
    void theKustomizeBaseMatchesWhatTheJarServesAndReads() throws Exception {
        JsonNode kustomization = new ObjectMapper(new YAMLFactory()).readTree(DIR.resolve("kustomization.yaml").toFile());
        List<HasMetadata> resources = new ArrayList<>();
        for (JsonNode file : kustomization.path("resources")) {
            assertThat(DIR.resolve(file.asText())).exists();
            for (String document : Files.readString(DIR.resolve(file.asText())).split("(?m)^---$")) {
                if (!document.replaceAll("(?m)^#.*$", "").isBlank()) {
                    resources.add(Serialization.unmarshal(document, HasMetadata.class));
                }
            }
        }
        Properties defaults = new Properties();
        defaults.load(new StringReader(Files.readString(Path.of("config/application.properties"))));
        Set<String> documentedVariables = ENV.matcher(Files.readString(Path.of("config/application.properties"))).results()
                .map(m -> m.group(1)).collect(Collectors.toSet());

        Deployment deployment = one(resources, Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).as("replicas on one PostgreSQL").isGreaterThanOrEqualTo(2);
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, Integer> ports = container.getPorts().stream()
                .collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));
        assertThat(ports).containsEntry("webhook", port(defaults, "webhook.port"))
                .containsEntry("management", port(defaults, "camel.management.port"));

        Secret secret = one(resources, Secret.class);
        assertThat(container.getEnvFrom().get(0).getSecretRef().getName()).isEqualTo(secret.getMetadata().getName());
        assertThat(documentedVariables).as("every variable of the Secret is one the connector reads")
                .containsAll(secret.getStringData().keySet());
        assertThat(secret.getStringData()).containsKey("STATE_JDBC_URL");
        assertThat(secret.getStringData().get("STATE_JDBC_URL")).startsWith("jdbc:postgresql:");

        Properties overrides = new Properties();
        overrides.load(Files.newBufferedReader(DIR.resolve(
                kustomization.path("configMapGenerator").get(0).path("files").get(0).asText().split("=")[1])));
        assertThat(defaults.stringPropertyNames()).as("every key of the ConfigMap is a documented setting")
                .containsAll(overrides.stringPropertyNames());

        String workingDir = container.getWorkingDir();
        Map<String, String> mounts = container.getVolumeMounts().stream()
                .collect(Collectors.toMap(m -> m.getName(), m -> m.getMountPath()));
        assertThat(mounts).containsEntry("config", workingDir + "/config")
                .containsEntry("data", workingDir + "/" + defaults.getProperty("connector.data-dir").replaceAll(".*:(\\w+)}}", "$1"));
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                .isGreaterThan(Long.parseLong(defaults.getProperty("camel.main.shutdown-timeout")));

        ServiceAccount account = one(resources, ServiceAccount.class);
        assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(account.getMetadata().getName());
        Service service = one(resources, Service.class);
        assertThat(service.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(ports).containsKey(service.getSpec().getPorts().get(0).getTargetPort().getStrVal());
        NetworkPolicy policy = one(resources, NetworkPolicy.class);
        assertThat(policy.getSpec().getIngress().get(0).getPorts()).extracting(p -> p.getPort().getIntVal())
                .containsExactlyInAnyOrderElementsOf(ports.values());

        // the CronJob variant runs the same container in once mode
        CronJob job = Serialization.unmarshal(Files.readString(DIR.resolve("cronjob.yaml")), CronJob.class);
        Container once = job.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(once.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("CONNECTOR_MODE");
            assertThat(e.getValue()).isEqualTo("once");
        });
        assertThat(documentedVariables).containsAll(once.getEnv().stream().map(e -> e.getName()).toList());
        assertThat(once.getEnvFrom().get(0).getSecretRef().getName()).isEqualTo(secret.getMetadata().getName());
        assertThat(once.getVolumeMounts()).extracting(m -> m.getMountPath()).containsAll(mounts.values());

        // the single-replica overlay: the base, one replica, Recreate, data/ on a claim, no PostgreSQL settings
        Path single = Path.of("config/kubernetes-single");
        JsonNode overlay = new ObjectMapper(new YAMLFactory()).readTree(single.resolve("kustomization.yaml").toFile());
        assertThat(overlay.path("resources").toString()).contains("../kubernetes");
        Deployment patch = Serialization.unmarshal(Files.readString(single.resolve("deployment-patch.yaml")), Deployment.class);
        assertThat(patch.getSpec().getReplicas()).isEqualTo(1);
        assertThat(patch.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        PersistentVolumeClaim claim = Serialization.unmarshal(Files.readString(single.resolve("pvc.yaml")),
                PersistentVolumeClaim.class);
        assertThat(patch.getSpec().getTemplate().getSpec().getVolumes()).singleElement().satisfies(v -> {
            assertThat(v.getName()).as("the volume mounted at data/").isEqualTo("data");
            assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo(claim.getMetadata().getName());
        });
        JsonNode secretPatch = new ObjectMapper(new YAMLFactory()).readTree(single.resolve("secret-patch.yaml").toFile());
        assertThat(secretPatch.path("stringData").path("STATE_JDBC_URL").isNull()).as("the H2 file, not PostgreSQL").isTrue();

        // docker-compose.yml: the same ports, a health check on the readiness path, a clear word when the jar is missing
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(Path.of("docker-compose.yml").toFile()).path("services")
                .path("connector");
        String readinessPath = container.getReadinessProbe().getHttpGet().getPath();
        assertThat(compose.path("healthcheck").path("test").toString())
                .contains("http://127.0.0.1:" + ports.get("management") + readinessPath);
        assertThat(compose.path("ports").toString()).contains(ports.get("webhook") + ":" + ports.get("webhook"),
                ports.get("management") + ":" + ports.get("management"));
        String jar = compose.path("volumes").get(0).asText().split(":")[1];
        assertThat(compose.path("entrypoint").toString()).contains("test -f " + jar, "build it first");

        // the probes' paths, asked of the packaged jar on the port the manifest names
        HttpClient http = HttpClient.newHttpClient();
        try (PackagedJar connector = PackagedJar.start(work, Map.of())) {
            connector.awaitLine("' cycle delivered", Duration.ofSeconds(60));
            for (Probe probe : List.of(container.getReadinessProbe(), container.getLivenessProbe())) {
                int port = ports.get(probe.getHttpGet().getPort().getStrVal());
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + probe.getHttpGet().getPath())).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(probe.getHttpGet().getPath() + ": " + answer.body()).isEqualTo(200);
            }
            assertThat(connector.terminate(Duration.ofSeconds(60))).isZero();
        }
    }

    private static int port(Properties defaults, String key) {
        Matcher m = Pattern.compile("(\\d+)").matcher(defaults.getProperty(key));
        assertThat(m.find()).as(key + " has a default port").isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static <T extends HasMetadata> T one(List<HasMetadata> resources, Class<T> kind) {
        List<T> found = resources.stream().filter(kind::isInstance).map(kind::cast).toList();
        assertThat(found).as(kind.getSimpleName()).hasSize(1);
        return found.get(0);
    }
}
