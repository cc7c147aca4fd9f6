package io.socialink.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests ({@code infra/deploy/kubernetes}: the Kustomize base, the local overlay, the Strimzi
 * Kafka) parsed into the typed models of Kubernetes (fabric8) and Strimzi: a kind the models do not know, a field they
 * do not know, a workload container without its probes, a Kustomize reference to a file that is not there, or a
 * configuration key the apps do not read fails the build instead of a deployment.
 */
class KubernetesManifestsTest {

    private static final Path ROOT = Path.of("kubernetes");
    private static final Path ARCHITECTURE = Path.of("..", "..", "docs", "architecture.md");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    record Manifest(Path file, HasMetadata model) {
        String describe() {
            return file + ": " + model.getKind() + " " + model.getMetadata().getName();
        }
    }

    @Test
    void everyManifestIsAKnownKindWithoutUnknownFields() {
        List<Manifest> manifests = new ArrayList<>(manifests());
        manifests.addAll(patches());

        assertThat(manifests)
                .extracting(m -> m.model().getKind())
                .contains(
                        "StatefulSet",
                        "Service",
                        "HorizontalPodAutoscaler",
                        "PodDisruptionBudget",
                        "Job",
                        "ConfigMap",
                        "Ingress",
                        "NetworkPolicy",
                        "Kafka",
                        "KafkaNodePool");
        for (Manifest manifest : manifests) {
            assertThat(UnknownFields.of(manifest.model()))
                    .as("fields the model does not know in %s", manifest.describe())
                    .isEmpty();
        }
    }

    @Test
    void everyWorkloadContainerHasProbesOnPortsItDeclaresAndMemoryBounds() {
        for (Manifest manifest : manifests()) {
            PodSpec pod = podSpec(manifest.model());
            if (pod == null || manifest.model() instanceof Job) {
                continue;
            }
            for (Container container : pod.getContainers()) {
                String where = manifest.describe() + " container " + container.getName();
                assertThat(container.getReadinessProbe())
                        .as("readiness probe of %s", where)
                        .isNotNull();
                assertThat(container.getLivenessProbe())
                        .as("liveness probe of %s", where)
                        .isNotNull();
                assertThat(container.getResources().getLimits())
                        .as("limits of %s", where)
                        .containsKey("memory");
                Set<String> ports = new TreeSet<>();
                for (ContainerPort port : container.getPorts()) {
                    ports.add(port.getName());
                }
                for (Probe probe : probes(container)) {
                    if (probe.getHttpGet() != null) {
                        assertThat(ports)
                                .as("probe ports of %s", where)
                                .contains(probe.getHttpGet().getPort().getStrVal());
                    }
                }
                if (container.getImage().startsWith("socialink/")) {
                    assertThat(container.getStartupProbe())
                            .as("startup probe of %s", where)
                            .isNotNull();
                    assertThat(container.getLivenessProbe().getHttpGet().getPath())
                            .isEqualTo("/livez");
                    assertThat(container.getReadinessProbe().getHttpGet().getPath())
                            .isEqualTo("/readyz");
                    assertThat(ports).as("ports of %s", where).containsExactlyInAnyOrder("http", "internal");
                }
            }
        }
    }

    @Test
    void configurationNamesOnlyVariablesTheAppsRead() throws IOException {
        String architecture = Files.readString(ARCHITECTURE, StandardCharsets.UTF_8);
        ConfigMap config = (ConfigMap) manifests().stream()
                .filter(m -> m.model() instanceof ConfigMap c
                        && c.getMetadata().getName().equals("socialink-config"))
                .findFirst()
                .orElseThrow()
                .model();
        Set<String> variables = new TreeSet<>(config.getData().keySet());
        for (Manifest manifest : manifests()) {
            PodSpec pod = podSpec(manifest.model());
            if (pod == null) {
                continue;
            }
            for (Container container : containers(pod)) {
                if (!container.getImage().startsWith("socialink/")) {
                    continue;
                }
                for (EnvVar env : container.getEnv()) {
                    // a pod field read only to build another variable's value ($(POD_IP)) is not the apps' to read
                    boolean helper = env.getValueFrom() != null
                            && env.getValueFrom().getFieldRef() != null
                            && container.getEnv().stream()
                                    .anyMatch(other -> other.getValue() != null
                                            && other.getValue().contains("$(" + env.getName() + ")"));
                    if (!helper) {
                        variables.add(env.getName());
                    }
                }
                for (EnvFromSource from : container.getEnvFrom()) {
                    if (from.getConfigMapRef() != null) {
                        assertThat(from.getConfigMapRef().getName()).isEqualTo("socialink-config");
                    }
                    if (from.getSecretRef() != null) {
                        assertThat(from.getSecretRef().getName()).isEqualTo("socialink-secrets");
                    }
                }
            }
        }
        variables.remove("JAVA_TOOL_OPTIONS");
        for (String variable : variables) {
            assertThat(architecture.contains("`" + variable + "`"))
                    .as(
                            "%s in docs/architecture.md's configuration (an unknown variable is ignored by the apps)",
                            variable)
                    .isTrue();
        }
    }

    @Test
    void theGatewayNeverScalesBeyondThePushPartitions() {
        List<Manifest> base = manifests(ROOT.resolve("base"));
        ConfigMap config = only(base, ConfigMap.class);
        HorizontalPodAutoscaler autoscaler = only(base, HorizontalPodAutoscaler.class);
        StatefulSet gateway = base.stream()
                .filter(m -> m.model() instanceof StatefulSet s
                        && s.getMetadata().getName().equals("gateway"))
                .map(m -> (StatefulSet) m.model())
                .findFirst()
                .orElseThrow();
        int pushPartitions = Integer.parseInt(config.getData().get("SOCIALINK_TOPICS_PUSH_PARTITIONS"));

        assertThat(autoscaler.getSpec().getScaleTargetRef().getName()).isEqualTo("gateway");
        assertThat(autoscaler.getSpec().getMaxReplicas()).isLessThanOrEqualTo(pushPartitions);
        assertThat(gateway.getSpec().getReplicas()).isLessThanOrEqualTo(pushPartitions);
        assertThat(gateway.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getEnv())
                .anySatisfy(env -> {
                    assertThat(env.getName()).isEqualTo("GATEWAY_NODE_ID");
                    assertThat(env.getValueFrom().getFieldRef().getFieldPath())
                            .isEqualTo("metadata.labels['apps.kubernetes.io/pod-index']");
                });
    }

    @Test
    void kustomizationsReferOnlyToWhatExists() throws IOException {
        Set<String> images = new TreeSet<>();
        for (Manifest manifest : manifests()) {
            PodSpec pod = podSpec(manifest.model());
            if (pod != null) {
                containers(pod).forEach(c -> images.add(c.getImage().split(":")[0]));
            }
        }
        List<Path> kustomizations = kustomizations();
        assertThat(kustomizations).hasSize(3);
        for (Path kustomization : kustomizations) {
            JsonNode tree = YAML.readTree(kustomization.toFile());
            Path dir = kustomization.getParent();
            assertThat(tree.path("kind").asText()).isEqualTo("Kustomization");
            for (JsonNode resource : tree.path("resources")) {
                Path target = dir.resolve(resource.asText()).normalize();
                assertThat(Files.isRegularFile(target) || Files.isRegularFile(target.resolve("kustomization.yaml")))
                        .as("resource %s of %s", resource.asText(), kustomization)
                        .isTrue();
            }
            for (JsonNode patch : tree.path("patches")) {
                if (patch.has("path")) {
                    assertThat(dir.resolve(patch.get("path").asText()))
                            .as("patch of %s", kustomization)
                            .isRegularFile();
                }
            }
            for (JsonNode image : tree.path("images")) {
                assertThat(images)
                        .as("images named by %s", kustomization)
                        .contains(image.get("name").asText());
            }
        }
    }

    @Test
    void shouldRefuseAMisspeltFieldAndAnUnknownKind() {
        String misspelt = """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata:
                  name: x
                spec:
                  serviceName: x
                  selector:
                    matchLabels: {app: x}
                  template:
                    spec:
                      containers:
                        - name: x
                          image: socialink/x
                          readinesProbe:
                            httpGet: {path: /readyz, port: http}
                """;
        String unknownKind = """
                apiVersion: apps/v1
                kind: Deploymnet
                metadata:
                  name: x
                """;

        assertThat(UnknownFields.of(typed(Path.of("misspelt.yaml"), parse(misspelt))))
                .containsExactly(".spec.template.spec.containers[0].readinesProbe");
        assertThatThrownBy(() -> typed(Path.of("unknown.yaml"), parse(unknownKind)))
                .hasMessageContaining("Deploymnet");
    }

    /** The resources (not the patches) under {@link #ROOT}. */
    private static List<Manifest> manifests() {
        return manifests(ROOT);
    }

    private static List<Manifest> manifests(Path root) {
        Set<Path> patches = patchFiles();
        return parse(yamlFiles(root).stream().filter(f -> !patches.contains(f)).toList(), root);
    }

    /** The strategic-merge patches of the overlays: partial manifests, checked for their fields only. */
    private static List<Manifest> patches() {
        return parse(List.copyOf(patchFiles()), ROOT);
    }

    private static Set<Path> patchFiles() {
        Set<Path> patches = new TreeSet<>();
        for (Path kustomization : kustomizations()) {
            try {
                for (JsonNode patch : YAML.readTree(kustomization.toFile()).path("patches")) {
                    if (patch.has("path")) {
                        patches.add(kustomization
                                .getParent()
                                .resolve(patch.get("path").asText())
                                .normalize());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return patches;
    }

    private static List<Path> kustomizations() {
        return yamlFiles(ROOT).stream()
                .filter(f -> f.getFileName().toString().equals("kustomization.yaml"))
                .toList();
    }

    private static List<Path> yamlFiles(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".yaml"))
                    .map(Path::normalize)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Manifest> parse(List<Path> yamlFiles, Path root) {
        List<Manifest> manifests = new ArrayList<>();
        try {
            for (Path file : yamlFiles.stream()
                    .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
                    .toList()) {
                for (JsonNode document : documents(Files.readString(file, StandardCharsets.UTF_8))) {
                    manifests.add(new Manifest(file, typed(file, document)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(manifests).as("manifests under %s", root).isNotEmpty();
        return manifests;
    }

    private static JsonNode parse(String yaml) {
        List<JsonNode> documents = documents(yaml);
        assertThat(documents).hasSize(1);
        return documents.get(0);
    }

    private static List<JsonNode> documents(String yaml) {
        try (JsonParser parser = YAML.getFactory().createParser(yaml)) {
            List<JsonNode> documents = new ArrayList<>();
            YAML.readValues(parser, JsonNode.class).forEachRemaining(node -> {
                if (node != null && !node.isNull() && !node.isEmpty()) {
                    documents.add(node);
                }
            });
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The document as its kind's model class: Kubernetes' own kinds through fabric8, Strimzi's by their classes. */
    private static HasMetadata typed(Path file, JsonNode document) {
        String apiVersion = document.path("apiVersion").asText();
        String kind = document.path("kind").asText();
        try {
            HasMetadata model;
            if (apiVersion.startsWith("kafka.strimzi.io/")) {
                Class<? extends HasMetadata> type =
                        switch (kind) {
                            case "Kafka" -> Kafka.class;
                            case "KafkaNodePool" -> KafkaNodePool.class;
                            default -> throw new AssertionError(file + ": no Strimzi model for kind " + kind);
                        };
                model = YAML.treeToValue(document, type);
            } else {
                KubernetesResource resource = YAML.treeToValue(document, KubernetesResource.class);
                if (!(resource instanceof HasMetadata known) || resource instanceof GenericKubernetesResource) {
                    throw new AssertionError(file + ": " + apiVersion + " " + kind + " is not a Kubernetes kind");
                }
                model = known;
            }
            assertThat(model.getKind()).as("kind in %s", file).isEqualTo(kind);
            assertThat(model.getMetadata().getName()).as("a name in %s", file).isNotBlank();
            return model;
        } catch (IOException e) {
            throw new AssertionError(file + ": " + apiVersion + " " + kind + " does not parse: " + e.getMessage(), e);
        }
    }

    private static PodSpec podSpec(HasMetadata model) {
        if (model instanceof StatefulSet set) {
            return set.getSpec().getTemplate().getSpec();
        }
        if (model instanceof Deployment deployment) {
            return deployment.getSpec().getTemplate().getSpec();
        }
        if (model instanceof Job job) {
            return job.getSpec().getTemplate().getSpec();
        }
        return null;
    }

    private static List<Container> containers(PodSpec pod) {
        List<Container> containers = new ArrayList<>(pod.getContainers());
        containers.addAll(pod.getInitContainers());
        return containers;
    }

    private static List<Probe> probes(Container container) {
        List<Probe> probes = new ArrayList<>();
        for (Probe probe :
                new Probe[] {container.getReadinessProbe(), container.getLivenessProbe(), container.getStartupProbe()
                }) {
            if (probe != null) {
                probes.add(probe);
            }
        }
        return probes;
    }

    private static <T> T only(List<Manifest> manifests, Class<T> type) {
        List<T> found = manifests.stream()
                .map(Manifest::model)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
        assertThat(found).as("%s manifests", type.getSimpleName()).hasSize(1);
        return found.get(0);
    }
}
