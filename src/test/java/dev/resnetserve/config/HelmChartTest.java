package dev.resnetserve.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.resnetserve.security.Role;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * The Helm chart, offline through helm-java: strict lint, then templates rendered with the default values and with
 * the chart's example values ({@code ci/*-values.yaml}), read back as typed fabric8 objects. A field Kubernetes does
 * not know ends up in a model's additional properties, so every rendered object is walked for them.
 */
class HelmChartTest {

    private static final Path CHART = Path.of("helm/resnet-serve");

    private final KubernetesSerialization serialization = new KubernetesSerialization();

    @Test
    void lintsCleanInStrictMode() {
        LintResult lint = new Helm(CHART).lint().strict().call();

        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
        assertThat(lint.getMessages())
                .noneMatch(message -> message.contains("[WARNING]") || message.contains("[ERROR]"));
    }

    @Test
    void defaultValuesRenderASecureProbedDeployment() {
        List<HasMetadata> objects = render(null);

        assertThat(kinds(objects))
                .containsExactlyInAnyOrder(
                        "ServiceAccount", "ConfigMap", "Service", "Deployment", "PodDisruptionBudget", "NetworkPolicy");
        assertNoUnknownFields(objects);

        PodSpec pod = only(objects, Deployment.class).getSpec().getTemplate().getSpec();
        Container server = pod.getContainers().get(0);
        assertThat(server.getStartupProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
        assertThat(server.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
        assertThat(server.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
        assertThat(server.getStartupProbe().getFailureThreshold()
                        * server.getStartupProbe().getPeriodSeconds())
                .as("seconds allowed for model loading and warm-up")
                .isGreaterThanOrEqualTo(120);
        assertThat(server.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(server.getResources().getLimits()).containsKey("memory").doesNotContainKey("nvidia.com/gpu");

        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser())
                .as("the image's user")
                .isEqualTo(10001L);
        assertThat(server.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(server.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(server.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(server.getVolumeMounts())
                .anyMatch(mount -> mount.getMountPath().equals("/tmp"))
                .anyMatch(mount -> mount.getMountPath().equals("/config"));
        assertThat(pod.getTerminationGracePeriodSeconds())
                .as("above the 40 s shutdown phase")
                .isGreaterThan(40L);
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();

        Service service = only(objects, Service.class);
        assertThat(service.getSpec().getPorts().get(0).getTargetPort().getStrVal())
                .isEqualTo(server.getPorts().get(0).getName());
        assertThat(service.getSpec().getPorts().get(1))
                .as("gRPC, for clients and meshes that route HTTP/2 by protocol")
                .satisfies(grpc -> {
                    assertThat(grpc.getName()).isEqualTo("grpc");
                    assertThat(grpc.getAppProtocol()).isEqualTo("grpc");
                    assertThat(grpc.getTargetPort().getStrVal()).isEqualTo("grpc");
                });
        assertThat(server.getPorts())
                .anyMatch(port -> port.getName().equals("grpc") && port.getContainerPort() == 8081);
        assertThat(service.getSpec().getSelector())
                .isEqualTo(
                        only(objects, Deployment.class).getSpec().getSelector().getMatchLabels());

        assertServiceConfiguration(only(objects, ConfigMap.class), "demo");
    }

    @Test
    void gpuValuesAskForTheGpuAndLandOnGpuNodes() {
        List<HasMetadata> objects = render(CHART.resolve("ci/gpu-values.yaml"));
        assertNoUnknownFields(objects);

        PodSpec pod = only(objects, Deployment.class).getSpec().getTemplate().getSpec();
        Container server = pod.getContainers().get(0);
        assertThat(server.getResources().getLimits())
                .containsEntry("nvidia.com/gpu", new Quantity("1"))
                .containsEntry("memory", new Quantity("16Gi"));
        assertThat(pod.getNodeSelector()).containsEntry("nvidia.com/gpu.present", "true");
        assertThat(pod.getTolerations())
                .anyMatch(toleration -> toleration.getKey().equals("nvidia.com/gpu"));
        assertThat(server.getImage()).endsWith(":0.1.0-cu128");
        assertThat(pod.getVolumes()).anyMatch(volume -> volume.getPersistentVolumeClaim() != null);
        assertThat(server.getVolumeMounts())
                .anyMatch(mount -> mount.getMountPath().equals("/models") && mount.getReadOnly());

        ResnetProperties config = assertServiceConfiguration(only(objects, ConfigMap.class), "resnet50");
        assertThat(config.models().get("resnet50").devices()).containsExactly("gpu0");
    }

    @Test
    void productionValuesAddIngressServiceMonitorAutoscalingAndInitContainer() {
        List<HasMetadata> objects = render(CHART.resolve("ci/production-values.yaml"));
        assertNoUnknownFields(objects);

        assertThat(kinds(objects)).contains("Ingress", "ServiceMonitor", "HorizontalPodAutoscaler");
        Deployment deployment = only(objects, Deployment.class);
        assertThat(deployment.getSpec().getReplicas())
                .as("left to the autoscaler")
                .isNull();

        HorizontalPodAutoscaler hpa = only(objects, HorizontalPodAutoscaler.class);
        assertThat(hpa.getSpec().getScaleTargetRef().getName())
                .isEqualTo(deployment.getMetadata().getName());
        assertThat(hpa.getSpec().getMetrics())
                .extracting(metric -> metric.getType())
                .containsExactly("Pods", "Resource");
        assertThat(hpa.getSpec().getMetrics().get(0).getPods().getMetric().getName())
                .isEqualTo("inference_queue_depth");

        Ingress ingress = only(objects, Ingress.class);
        String serviceName = only(objects, Service.class).getMetadata().getName();
        assertThat(ingress.getSpec()
                        .getRules()
                        .get(0)
                        .getHttp()
                        .getPaths()
                        .get(0)
                        .getBackend()
                        .getService()
                        .getName())
                .isEqualTo(serviceName);
        assertThat(ingress.getSpec().getTls().get(0).getSecretName()).isEqualTo("classify-tls");

        GenericKubernetesResource monitor = objects.stream()
                .filter(o -> o.getKind().equals("ServiceMonitor"))
                .map(GenericKubernetesResource.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        Map<String, Object> endpoint = monitor.get("spec", "endpoints", 0);
        assertThat(endpoint).containsEntry("path", "/actuator/prometheus").containsEntry("port", "http");
        assertThat(monitor.<Map<String, Object>>get("spec", "selector", "matchLabels"))
                .isEqualTo(only(objects, Service.class).getSpec().getSelector());

        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getInitContainers()).singleElement().satisfies(init -> {
            assertThat(init.getVolumeMounts())
                    .anyMatch(mount -> mount.getMountPath().equals("/models"));
            assertThat(init.getSecurityContext().getRunAsNonRoot())
                    .as("from the pod")
                    .isNull();
            assertThat(init.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        });
        assertThat(only(objects, PodDisruptionBudget.class)
                        .getSpec()
                        .getMinAvailable()
                        .getIntVal())
                .isEqualTo(1);
        assertServiceConfiguration(only(objects, ConfigMap.class), "resnet18");
    }

    @Test
    void theHpaScalesOnCpuQueueDepthOrInFlightRequestsPerPod() {
        HorizontalPodAutoscaler cpu =
                only(render(null, Map.of("autoscaling.enabled", "true")), HorizontalPodAutoscaler.class);
        assertThat(cpu.getSpec().getMetrics()).singleElement().satisfies(metric -> {
            assertThat(metric.getResource().getName()).isEqualTo("cpu");
            assertThat(metric.getResource().getTarget().getAverageUtilization()).isEqualTo(70);
        });

        for (String[] choice : new String[][] {
            {"queue-depth", "inference_queue_depth", "8"}, {"in-flight", "inference_requests_in_flight", "16"}
        }) {
            List<HasMetadata> objects =
                    render(null, Map.of("autoscaling.enabled", "true", "autoscaling.metric", choice[0]));
            assertNoUnknownFields(objects);
            assertThat(kinds(objects)).doesNotContain("ScaledObject");
            HorizontalPodAutoscaler hpa = only(objects, HorizontalPodAutoscaler.class);
            assertThat(hpa.getSpec().getMetrics())
                    .as(choice[0] + ": instead of CPU")
                    .singleElement()
                    .satisfies(metric -> {
                        assertThat(metric.getType()).isEqualTo("Pods");
                        assertThat(metric.getPods().getMetric().getName()).isEqualTo(choice[1]);
                        assertThat(metric.getPods().getTarget().getType()).isEqualTo("AverageValue");
                        assertThat(metric.getPods().getTarget().getAverageValue())
                                .isEqualTo(new Quantity(choice[2]));
                    });
            assertThat(adapterRules())
                    .as("monitoring/prometheus-adapter-values.yaml serves " + choice[1])
                    .containsKey(choice[1]);
        }
    }

    @Test
    void kedaModeRendersAScaledObjectWithAPrometheusTriggerAndNoHpa() {
        List<HasMetadata> objects = render(CHART.resolve("ci/keda-values.yaml"));
        assertNoUnknownFields(objects);

        assertThat(kinds(objects)).contains("ScaledObject").doesNotContain("HorizontalPodAutoscaler");
        Deployment deployment = only(objects, Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).as("left to KEDA").isNull();
        GenericKubernetesResource scaled = scaledObject(objects);
        assertThat(scaled.getApiVersion()).isEqualTo("keda.sh/v1alpha1");
        assertThat(scaled.<Map<String, Object>>get("spec", "scaleTargetRef"))
                .containsEntry("kind", "Deployment")
                .containsEntry("name", deployment.getMetadata().getName());
        assertThat(scaled.<Integer>get("spec", "minReplicaCount")).isEqualTo(1);
        assertThat(scaled.<Integer>get("spec", "maxReplicaCount")).isEqualTo(6);
        List<Map<String, Object>> triggers = scaled.get("spec", "triggers");
        assertThat(triggers).singleElement().satisfies(trigger -> {
            assertThat(trigger).containsEntry("type", "prometheus").containsEntry("metricType", "AverageValue");
            assertThat(trigger.get("metadata"))
                    .as("KEDA reads every metadata value as a string")
                    .isEqualTo(Map.of(
                            "serverAddress",
                            "http://kube-prometheus-stack-prometheus.monitoring.svc:9090",
                            "query",
                            "sum(inference_requests_in_flight{namespace=\"ml\",service=\""
                                    + only(objects, Service.class).getMetadata().getName() + "\"})",
                            "threshold",
                            "12"));
        });

        GenericKubernetesResource queue = scaledObject(render(
                null,
                Map.of(
                        "autoscaling.enabled", "true",
                        "autoscaling.mode", "keda",
                        "autoscaling.metric", "queue-depth",
                        "autoscaling.alsoOnCpu", "true")));
        List<Map<String, Object>> both = queue.get("spec", "triggers");
        assertThat(both).extracting(trigger -> trigger.get("type")).containsExactly("prometheus", "cpu");
        assertThat(both.get(0).get("metadata"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry(
                        "query", "sum(inference_queue_depth{namespace=\"ml\",service=\"classify-resnet-serve\"})")
                .containsEntry("threshold", "8");
        assertThat(both.get(1))
                .containsEntry("metricType", "Utilization")
                .containsEntry("metadata", Map.of("value", "70"));
    }

    @Test
    void anUnknownAutoscalingMetricOrModeFailsTheRender() {
        assertThatThrownBy(() -> renderText(null, Map.of("autoscaling.enabled", "true", "autoscaling.metric", "gpu")))
                .hasMessageContaining("autoscaling.metric must be cpu, queue-depth or in-flight");
        assertThatThrownBy(() -> renderText(null, Map.of("autoscaling.enabled", "true", "autoscaling.mode", "vpa")))
                .hasMessageContaining("autoscaling.mode must be hpa or keda");
    }

    /** The custom metrics prometheus-adapter serves with the documented values, by the name the HPA asks for. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> adapterRules() {
        try {
            Map<String, Object> values = new org.yaml.snakeyaml.Yaml()
                    .load(Files.readString(Path.of("monitoring/prometheus-adapter-values.yaml")));
            List<Map<String, Object>> rules =
                    (List<Map<String, Object>>) ((Map<String, Object>) values.get("rules")).get("custom");
            Map<String, String> byName = new HashMap<>();
            for (Map<String, Object> rule : rules) {
                Map<String, Object> resources = (Map<String, Object>) rule.get("resources");
                assertThat((Map<String, Object>) resources.get("overrides"))
                        .as("per pod, in its namespace")
                        .containsKeys("namespace", "pod");
                String series = (String) rule.get("seriesQuery");
                byName.put((String) ((Map<String, Object>) rule.get("name")).get("as"), series);
                assertThat(series).startsWith((String) ((Map<String, Object>) rule.get("name")).get("as") + "{");
            }
            return byName;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static GenericKubernetesResource scaledObject(List<HasMetadata> objects) {
        List<GenericKubernetesResource> found = objects.stream()
                .filter(o -> o.getKind().equals("ScaledObject"))
                .map(GenericKubernetesResource.class::cast)
                .toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    @Test
    void productionValuesTurnApiKeysOnScrapeWithAMetricsKeyAndLetInOnlyIngressAndPrometheus(@TempDir Path mount)
            throws Exception {
        List<HasMetadata> objects = render(CHART.resolve("ci/production-values.yaml"));

        Deployment deployment = only(objects, Deployment.class);
        Path keysFile = assertApiKeysSecretWired(deployment, "classify-api-keys", "api-keys.yml", mount);
        assertThat(env(deployment
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)))
                .containsEntry("RESNET_SECURITY_ENABLED", "true")
                .containsEntry("RESNET_SECURITY_METRICSPUBLIC", "false");
        SecurityProperties security = securityAtStartUp(deployment, keysFile);
        assertThat(security.enabled()).isTrue();
        assertThat(security.metricsPublic()).isFalse();

        Map<String, Object> endpoint = serviceMonitor(objects).get("spec", "endpoints", 0);
        assertThat(endpoint)
                .as("the scrape presents a metrics key from the same Secret")
                .containsEntry(
                        "authorization",
                        Map.of(
                                "type",
                                "Bearer",
                                "credentials",
                                Map.of("name", "classify-api-keys", "key", "metrics-key")));

        NetworkPolicy policy = only(objects, NetworkPolicy.class);
        assertThat(policy.getSpec().getIngress())
                .singleElement()
                .satisfies(rule -> assertThat(rule.getFrom())
                        .extracting(
                                peer -> peer.getNamespaceSelector()
                                        .getMatchLabels()
                                        .get("kubernetes.io/metadata.name"),
                                peer -> peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/name"))
                        .containsExactly(tuple("ingress-nginx", "ingress-nginx"), tuple("monitoring", "prometheus")));
    }

    @Test
    void anExistingSecretIsMountedReadOnlyAndReadBySpringWithSecurityOn(@TempDir Path mount) throws Exception {
        List<HasMetadata> objects = render(
                null,
                Map.of(
                        "apiKeys.existingSecret",
                        "resnet-keys",
                        "apiKeys.configEntry",
                        "keys.yaml",
                        "apiKeys.metricsPublic",
                        "true",
                        "serviceMonitor.enabled",
                        "true"));
        assertNoUnknownFields(objects);

        Deployment deployment = only(objects, Deployment.class);
        Path keysFile = assertApiKeysSecretWired(deployment, "resnet-keys", "keys.yaml", mount);
        SecurityProperties security = securityAtStartUp(deployment, keysFile);
        assertThat(security.enabled()).isTrue();
        assertThat(security.metricsPublic()).isTrue();
        assertThat(security.apiKeys()).extracting(SecurityProperties.Key::name).containsExactly("ops", "frontend");
        assertThat(security.apiKeys().get(0).roles()).containsExactlyInAnyOrder(Role.MANAGEMENT, Role.METRICS);

        Map<String, Object> endpoint = serviceMonitor(objects).get("spec", "endpoints", 0);
        assertThat(endpoint).as("metrics left open: no key to present").doesNotContainKey("authorization");
    }

    @Test
    void withoutAnExistingSecretNothingReferencesASecretAndSecurityStaysOff() throws Exception {
        String manifests = renderText(null, Map.of("serviceMonitor.enabled", "true"));
        assertThat(manifests)
                .doesNotContainIgnoringCase("secret")
                .doesNotContain("RESNET_SECURITY")
                .doesNotContain("SPRING_CONFIG_IMPORT")
                .doesNotContain("authorization");

        Deployment deployment = only(parse(manifests), Deployment.class);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes()).allMatch(volume -> volume.getSecret() == null && volume.getProjected() == null);
        assertThat(pod.getContainers().get(0).getEnvFrom()).isNullOrEmpty();
        SecurityProperties security = securityAtStartUp(deployment, null);
        assertThat(security.enabled()).isFalse();
        assertThat(security.apiKeys()).isEmpty();
    }

    @Test
    void networkPolicyLetsTheConfiguredPeersReachOnlyTheHttpPort(@TempDir Path dir) throws IOException {
        NetworkPolicy defaults = only(render(null), NetworkPolicy.class);
        assertThat(defaults.getSpec().getIngress())
                .singleElement()
                .satisfies(rule -> assertThat(rule.getFrom())
                        .as("ingress-nginx's namespace, Prometheus, the release's namespace")
                        .containsExactly(
                                peer(
                                        "{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}}"),
                                peer("{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}},"
                                        + " podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}}"),
                                peer("{podSelector: {}}")));

        Path values = Files.writeString(dir.resolve("values.yaml"), """
                service: {port: 80}
                networkPolicy:
                  ingressFrom:
                    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: traefik}}
                  prometheusFrom:
                    - podSelector: {matchLabels: {app: prom}}
                  allowSameNamespace: false
                  extraFrom:
                    - ipBlock: {cidr: 10.20.0.0/16}
                """);
        List<HasMetadata> objects = render(values);
        assertNoUnknownFields(objects);
        NetworkPolicy policy = only(objects, NetworkPolicy.class);
        Deployment deployment = only(objects, Deployment.class);

        assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(policy.getSpec().getPolicyTypes()).as("egress left open").containsExactly("Ingress");
        assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
            assertThat(rule.getFrom())
                    .containsExactly(
                            peer("{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: traefik}}}"),
                            peer("{podSelector: {matchLabels: {app: prom}}}"),
                            peer("{ipBlock: {cidr: 10.20.0.0/16}}"));
            assertThat(rule.getPorts()).hasSize(2);
            assertThat(rule.getPorts())
                    .allSatisfy(port -> assertThat(port.getProtocol()).isEqualTo("TCP"));
            assertThat(rule.getPorts().stream().map(port -> port.getPort().getStrVal()))
                    .as("the container's ports (HTTP, gRPC), not the Service's")
                    .containsExactlyElementsOf(
                            deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().stream()
                                    .map(port -> port.getName())
                                    .toList());
        });

        Path closed = Files.writeString(dir.resolve("closed.yaml"), """
                networkPolicy: {ingressFrom: [], prometheusFrom: [], allowSameNamespace: false, extraFrom: []}
                """);
        assertThat(only(render(closed), NetworkPolicy.class).getSpec().getIngress())
                .as("no peer: no rule (a rule with no `from` would admit everyone)")
                .isEmpty();
        assertThat(kinds(render(null, Map.of("networkPolicy.enabled", "false"))))
                .doesNotContain("NetworkPolicy");
    }

    /**
     * The Deployment mounts {@code secretName}'s entry read-only, turns security on and imports the mounted file;
     * writes the Secret's documented entry where the pod would see it, under {@code mount} standing for the mount
     * path, and returns that file.
     */
    private static Path assertApiKeysSecretWired(Deployment deployment, String secretName, String entry, Path mount)
            throws IOException {
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container server = pod.getContainers().get(0);
        List<Volume> secrets = pod.getVolumes().stream()
                .filter(volume -> volume.getSecret() != null)
                .toList();
        assertThat(secrets).singleElement().satisfies(volume -> {
            assertThat(volume.getSecret().getSecretName()).isEqualTo(secretName);
            assertThat(volume.getSecret().getItems())
                    .singleElement()
                    .satisfies(item -> assertThat(item.getKey()).isEqualTo(entry));
        });
        Volume volume = secrets.get(0);
        List<VolumeMount> mounts = server.getVolumeMounts().stream()
                .filter(candidate -> candidate.getName().equals(volume.getName()))
                .toList();
        assertThat(mounts)
                .singleElement()
                .satisfies(found -> assertThat(found.getReadOnly()).isTrue());

        Map<String, String> env = env(server);
        assertThat(env).containsEntry("RESNET_SECURITY_ENABLED", "true");
        String mountedFile = mounts.get(0).getMountPath() + "/"
                + volume.getSecret().getItems().get(0).getPath();
        assertThat(env.get("SPRING_CONFIG_IMPORT"))
                .as("Spring reads the mounted entry")
                .isEqualTo("file:" + mountedFile);

        Path file = mount.resolve(volume.getSecret().getItems().get(0).getPath());
        Files.writeString(file, SECRET_API_KEYS_YML);
        return file;
    }

    /** The Secret's entry as docs/operations.md writes it ("Enabling model management in the chart"). */
    private static final String SECRET_API_KEYS_YML = """
            resnet:
              security:
                api-keys:
                  - name: ops
                    sha256: 74f883e690e6052568f600b6fcc574d5c02205c2a4939ea6561677e404f9d5ff
                    roles: [management, metrics]
                  - name: frontend
                    sha256: cbabecbd031c14b585286f8bbe8ee8c918084a61befa997329ecea40c3f1e0ca
                    roles: [inference]
            """;

    /**
     * Starts Spring's configuration processing (config data imports included) with the container's environment as
     * rendered, SPRING_CONFIG_IMPORT pointed at {@code keysFile} instead of the mount, and returns the bound
     * {@code resnet.security}.
     */
    private static SecurityProperties securityAtStartUp(Deployment deployment, Path keysFile) {
        Map<String, Object> env = new HashMap<>(
                env(deployment.getSpec().getTemplate().getSpec().getContainers().get(0)));
        if (keysFile != null) {
            env.put("SPRING_CONFIG_IMPORT", "file:" + keysFile);
        }
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .replace(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new SystemEnvironmentPropertySource(
                                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env));
        SpringApplication application = new SpringApplication(PropertiesOnly.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setBannerMode(Banner.Mode.OFF);
        application.setLogStartupInfo(false);
        application.setEnvironment(environment);
        try (ConfigurableApplicationContext context = application.run()) {
            return context.getBean(ResnetProperties.class).security();
        }
    }

    private static Map<String, String> env(Container container) {
        return container.getEnv().stream()
                .filter(variable -> variable.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue, (first, second) -> second));
    }

    private NetworkPolicyPeer peer(String yaml) {
        return serialization.convertValue(new org.yaml.snakeyaml.Yaml().load(yaml), NetworkPolicyPeer.class);
    }

    private static GenericKubernetesResource serviceMonitor(List<HasMetadata> objects) {
        return objects.stream()
                .filter(o -> o.getKind().equals("ServiceMonitor"))
                .map(GenericKubernetesResource.class::cast)
                .findFirst()
                .orElseThrow();
    }

    private List<HasMetadata> render(Path values) {
        return render(values, Map.of());
    }

    private List<HasMetadata> render(Path values, Map<String, String> set) {
        return parse(renderText(values, set));
    }

    /** {@code helm template}; {@code set} as {@code --set key=value}. */
    private static String renderText(Path values, Map<String, String> set) {
        var template = new Helm(CHART).template().withName("classify").withNamespace("ml");
        if (values != null) {
            template = template.withValuesFile(values);
        }
        for (Map.Entry<String, String> value : set.entrySet()) {
            template = template.set(value.getKey(), value.getValue());
        }
        return template.call();
    }

    private List<HasMetadata> parse(String manifests) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : manifests.split("(?m)^---\\s*$")) {
            if (!document.isBlank() && document.contains("kind:")) {
                objects.add(serialization.unmarshal(document));
            }
        }
        return objects;
    }

    /** The rendered application.yml binds to {@link ResnetProperties} and passes its validation, as at start-up. */
    private static ResnetProperties assertServiceConfiguration(ConfigMap configMap, String defaultModel) {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(
                new ByteArrayResource(configMap.getData().get("application.yml").getBytes()));
        Properties properties = yaml.getObject();
        List<String> pairs = properties.stringPropertyNames().stream()
                .map(key -> key + "=" + properties.getProperty(key))
                .toList();
        ResnetProperties[] bound = new ResnetProperties[1];
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
                .withUserConfiguration(PropertiesOnly.class)
                .withPropertyValues(pairs.toArray(String[]::new))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    bound[0] = context.getBean(ResnetProperties.class);
                });
        assertThat(bound[0].defaultModel()).isEqualTo(defaultModel);
        assertThat(bound[0].models()).containsKey(defaultModel);
        return bound[0];
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ResnetProperties.class)
    @Import(PreprocessingPresetConverter.class)
    static class PropertiesOnly {}

    private static List<String> kinds(List<HasMetadata> objects) {
        return objects.stream().map(HasMetadata::getKind).toList();
    }

    private static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> type) {
        List<T> matching =
                objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(matching).as(type.getSimpleName()).hasSize(1);
        return matching.get(0);
    }

    private static void assertNoUnknownFields(List<HasMetadata> objects) {
        List<String> unknown = new ArrayList<>();
        for (HasMetadata object : objects) {
            if (!(object instanceof GenericKubernetesResource)) {
                collectUnknownFields(
                        object,
                        object.getKind(),
                        unknown,
                        java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
            }
        }
        assertThat(unknown).as("fields the Kubernetes API does not define").isEmpty();
    }

    /** Walks fabric8 model getters; every model class keeps fields it does not know in getAdditionalProperties. */
    private static void collectUnknownFields(Object node, String path, List<String> unknown, Set<Object> seen) {
        if (node == null || !seen.add(node)) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                collectUnknownFields(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> collectUnknownFields(value, path + "." + key, unknown, seen));
            return;
        }
        if (!node.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get")
                    || getter.getName().equals("getClass")) {
                continue;
            }
            try {
                Object value = getter.invoke(node);
                if (getter.getName().equals("getAdditionalProperties")) {
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        unknown.add(path + " " + extra.keySet());
                    }
                } else {
                    collectUnknownFields(value, path + "." + getter.getName().substring(3), unknown, seen);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(getter.toString(), e);
            }
        }
    }
}
