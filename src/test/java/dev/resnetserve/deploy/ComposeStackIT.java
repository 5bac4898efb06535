package dev.resnetserve.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Fixtures;
import dev.resnetserve.support.Ports;
import dev.resnetserve.support.PrometheusQueries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The repository's docker-compose.yml brought up as a user would ({@code docker-compose up -d --build}), with the
 * images pointed at local ones and free loopback ports: Prometheus must scrape the service (target up), load the
 * alert rules, and answer every dashboard query after some traffic.
 */
class ComposeStackIT {

    private static final String PROJECT = "resnet-serve-it";

    private static Map<String, String> environment;
    private static ApiClient service;
    private static PrometheusQueries prometheus;

    @BeforeAll
    static void up() throws Exception {
        int servicePort = Ports.free();
        int prometheusPort = Ports.free();
        environment = new HashMap<>(Map.of(
                "BASE_IMAGE", System.getProperty("docker.base.image", "eclipse-temurin:17-jre"),
                "PROMETHEUS_IMAGE", System.getProperty("docker.prometheus.image", "prom/prometheus:v2.53.2"),
                "RESNET_SERVE_IMAGE", ContainerImageIT.IMAGE,
                "RESNET_SERVE_PORT", Integer.toString(servicePort),
                "PROMETHEUS_PORT", Integer.toString(prometheusPort)));
        compose("down", "-v");
        assertThat(compose("up", "-d", "--build").exitCode()).isZero();
        service = new ApiClient(servicePort);
        prometheus = new PrometheusQueries(new ApiClient(prometheusPort));
    }

    @AfterAll
    static void down() throws Exception {
        if (environment != null) {
            compose("down", "-v");
        }
    }

    @Test
    void prometheusScrapesTheServiceWithTheAlertRulesLoaded() throws Exception {
        prometheus.awaitData("up{job=\"resnet-serve\"} == 1", 180);

        JsonNode target = prometheus.query("up").get("data").get("result").get(0);
        assertThat(target.get("metric").get("instance").asString()).isEqualTo("resnet-serve:8080");
        assertThat(prometheus.loadedRules())
                .hasSize(PrometheusQueries.alertExpressions().size())
                .contains("ResnetServeHighErrorRatio");
    }

    @Test
    void everyDashboardQueryAnswersAfterTraffic() throws Exception {
        prometheus.awaitData("inference_model_ready == 1", 180);
        for (int round = 0; round < 600 && !prometheus.hasData("rate(inference_requests_total[1m]) > 0"); round++) {
            service.post("/v1/classify", "image/jpeg", Fixtures.bytes("shapes-pil/000-circle.jpg"));
        }

        prometheus.assertDashboardAndAlertsEvaluate();
    }

    @Test
    void grafanaIsAnOptionalProfileWithTheDashboardProvisioned() throws Exception {
        assertThat(compose("ps").output())
                .as("containers of the default stack")
                .contains(PROJECT + "_resnet-serve_1", PROJECT + "_prometheus_1")
                .doesNotContain("grafana");

        Result withGrafana = compose("--profile", "grafana", "config");
        assertThat(withGrafana.exitCode()).as(withGrafana.output()).isZero();
        assertThat(withGrafana.output()).contains("grafana-dashboard.json", "grafana/provisioning");
    }

    record Result(int exitCode, String output) {}

    private static Result compose(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker-compose", "--project-name", PROJECT));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.MINUTES))
                .as("docker-compose %s", String.join(" ", args))
                .isTrue();
        return new Result(process.exitValue(), output);
    }
}
