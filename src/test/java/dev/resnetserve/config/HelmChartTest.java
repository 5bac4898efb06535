package dev.resnetserve.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
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
        assertThat(lint.getMessages()).noneMatch(message -> message.contains("[WARNING]")
                || message.contains("[ERROR]"));
    }

    @Test
    void defaultValuesRenderASecureProbedDeployment() {
        List<HasMetadata> objects = render(null);

        assertThat(kinds(objects)).containsExactlyInAnyOrder("ServiceAccount", "ConfigMap", "Service", "Deployment",
                "PodDisruptionBudget");
        assertNoUnknownFields(objects);

        PodSpec pod = only(objects, Deployment.class).getSpec().getTemplate().getSpec();
        Container server = pod.getContainers().get(0);
        assertThat(server.getStartupProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
        assertThat(server.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
        assertThat(server.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
        assertThat(server.getStartupProbe().getFailureThreshold() * server.getStartupProbe().getPeriodSeconds())
                .as("seconds allowed for model loading and warm-up").isGreaterThanOrEqualTo(120);
        assertThat(server.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(server.getResources().getLimits()).containsKey("memory").doesNotContainKey("nvidia.com/gpu");

        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).as("the image's user").isEqualTo(10001L);
        assertThat(server.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(server.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(server.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(server.getVolumeMounts()).anyMatch(mount -> mount.getMountPath().equals("/tmp"))
                .anyMatch(mount -> mount.getMountPath().equals("/config"));
        assertThat(pod.getTerminationGracePeriodSeconds()).as("above the 40 s shutdown phase").isGreaterThan(40L);
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();

        Service service = only(objects, Service.class);
        assertThat(service.getSpec().getPorts().get(0).getTargetPort().getStrVal())
                .isEqualTo(server.getPorts().get(0).getName());
        assertThat(service.getSpec().getSelector())
                .isEqualTo(only(objects, Deployment.class).getSpec().getSelector().getMatchLabels());

        assertServiceConfiguration(only(objects, ConfigMap.class), "demo");
    }

    @Test
    void gpuValuesAskForTheGpuAndLandOnGpuNodes() {
        List<HasMetadata> objects = render(CHART.resolve("ci/gpu-values.yaml"));
        assertNoUnknownFields(objects);

        PodSpec pod = only(objects, Deployment.class).getSpec().getTemplate().getSpec();
        Container server = pod.getContainers().get(0);
        assertThat(server.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"))
                .containsEntry("memory", new Quantity("16Gi"));
        assertThat(pod.getNodeSelector()).containsEntry("nvidia.com/gpu.present", "true");
        assertThat(pod.getTolerations()).anyMatch(toleration -> toleration.getKey().equals("nvidia.com/gpu"));
        assertThat(server.getImage()).endsWith(":0.1.0-cu128");
        assertThat(pod.getVolumes()).anyMatch(volume -> volume.getPersistentVolumeClaim() != null);
        assertThat(server.getVolumeMounts()).anyMatch(mount -> mount.getMountPath().equals("/models")
                && mount.getReadOnly());

        ResnetProperties config = assertServiceConfiguration(only(objects, ConfigMap.class), "resnet50");
        assertThat(config.models().get("resnet50").devices()).containsExactly("gpu0");
    }

    @Test
    void productionValuesAddIngressServiceMonitorAutoscalingAndInitContainer() {
        List<HasMetadata> objects = render(CHART.resolve("ci/production-values.yaml"));
        assertNoUnknownFields(objects);

        assertThat(kinds(objects)).contains("Ingress", "ServiceMonitor", "HorizontalPodAutoscaler");
        Deployment deployment = only(objects, Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).as("left to the autoscaler").isNull();

        HorizontalPodAutoscaler hpa = only(objects, HorizontalPodAutoscaler.class);
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment.getMetadata().getName());
        assertThat(hpa.getSpec().getMetrics()).extracting(metric -> metric.getType())
                .containsExactly("Resource", "Pods");
        assertThat(hpa.getSpec().getMetrics().get(1).getPods().getMetric().getName())
                .isEqualTo("inference_queue_depth");

        Ingress ingress = only(objects, Ingress.class);
        String serviceName = only(objects, Service.class).getMetadata().getName();
        assertThat(ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService()
                .getName()).isEqualTo(serviceName);
        assertThat(ingress.getSpec().getTls().get(0).getSecretName()).isEqualTo("classify-tls");

        GenericKubernetesResource monitor = objects.stream().filter(o -> o.getKind().equals("ServiceMonitor"))
                .map(GenericKubernetesResource.class::cast).findFirst().orElseThrow();
        assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        Map<String, Object> endpoint = monitor.get("spec", "endpoints", 0);
        assertThat(endpoint).containsEntry("path", "/actuator/prometheus").containsEntry("port", "http");
        assertThat(monitor.<Map<String, Object>>get("spec", "selector", "matchLabels"))
                .isEqualTo(only(objects, Service.class).getSpec().getSelector());

        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getInitContainers()).singleElement().satisfies(init -> {
            assertThat(init.getVolumeMounts()).anyMatch(mount -> mount.getMountPath().equals("/models"));
            assertThat(init.getSecurityContext().getRunAsNonRoot()).as("from the pod").isNull();
            assertThat(init.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        });
        assertThat(only(objects, PodDisruptionBudget.class).getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        assertServiceConfiguration(only(objects, ConfigMap.class), "resnet18");
    }

    private List<HasMetadata> render(Path values) {
        var template = new Helm(CHART).template().withName("classify").withNamespace("ml");
        if (values != null) {
            template = template.withValuesFile(values);
        }
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : template.call().split("(?m)^---\\s*$")) {
            if (!document.isBlank() && document.contains("kind:")) {
                objects.add(serialization.unmarshal(document));
            }
        }
        return objects;
    }

    /** The rendered application.yml binds to {@link ResnetProperties} and passes its validation, as at start-up. */
    private static ResnetProperties assertServiceConfiguration(ConfigMap configMap, String defaultModel) {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new ByteArrayResource(configMap.getData().get("application.yml").getBytes()));
        Properties properties = yaml.getObject();
        List<String> pairs = properties.stringPropertyNames().stream()
                .map(key -> key + "=" + properties.getProperty(key)).toList();
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
    static class PropertiesOnly {
    }

    private static List<String> kinds(List<HasMetadata> objects) {
        return objects.stream().map(HasMetadata::getKind).toList();
    }

    private static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> type) {
        List<T> matching = objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(matching).as(type.getSimpleName()).hasSize(1);
        return matching.get(0);
    }

    private static void assertNoUnknownFields(List<HasMetadata> objects) {
        List<String> unknown = new ArrayList<>();
        for (HasMetadata object : objects) {
            if (!(object instanceof GenericKubernetesResource)) {
                collectUnknownFields(object, object.getKind(), unknown, java.util.Collections.newSetFromMap(
                        new IdentityHashMap<>()));
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
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
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
