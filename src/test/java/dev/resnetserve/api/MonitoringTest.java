package dev.resnetserve.api;

import dev.resnetserve.support.ApiClient;
import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.support.Fixtures;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard and the alert rules against a real Prometheus (Debian's binary, on loopback) scraping the service
 * after some traffic: every query and alert expression must evaluate, and the main panels must have data.
 */
class MonitoringTest extends RunningServiceTest {

    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Path DASHBOARD = Path.of("monitoring/grafana-dashboard.json");
    private static final Path ALERTS = Path.of("monitoring/alerts.yml");

    @TempDir
    Path dir;

    private Process prometheus;

    @AfterEach
    void stopPrometheus() throws InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            prometheus.waitFor();
        }
    }

    @Test
    void everyDashboardQueryAndAlertEvaluatesOnRealData() throws Exception {
        if (!Files.isExecutable(PROMETHEUS)) {
            assertThat(System.getenv("CI")).as("prometheus is required in CI").isNull();
            Assumptions.abort("prometheus not installed (apt-get install prometheus)");
        }
        ApiClient service = client;
        ApiClient prom = startPrometheus();

        awaitData(prom, "up{job=\"resnet-serve\"} == 1");
        for (int round = 0; round < 200 && !hasData(prom, "rate(inference_requests_total[1m]) > 0"); round++) {
            service.post("/v1/models/parity/classify", "image/jpeg", Fixtures.bytes("parity/chelsea-small.jpg"));
            service.post("/v1/classify", "image/jpeg", "broken".getBytes());
        }

        Map<String, String> dashboard = dashboardQueries();
        for (Map.Entry<String, String> query : dashboard.entrySet()) {
            assertThat(query(prom, query.getValue()).get("status").asString()).as(query.getKey()).isEqualTo("success");
        }
        for (String title : List.of("Throughput by outcome", "End-to-end latency", "p99 latency by stage",
                "Queue depth", "Mean batch size", "Worker utilisation", "Models ready")) {
            assertThat(hasData(prom, dashboard.get(title + " A"))).as("data for '%s'", title).isTrue();
        }
        for (String expr : alertExpressions()) {
            assertThat(query(prom, expr).get("status").asString()).as(expr).isEqualTo("success");
        }
    }

    @Test
    void promtoolAcceptsTheAlertRules() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        if (!Files.isExecutable(promtool)) {
            assertThat(System.getenv("CI")).as("promtool is required in CI").isNull();
            Assumptions.abort("promtool not installed (apt-get install prometheus)");
        }
        Process check = new ProcessBuilder(promtool.toString(), "check", "rules", ALERTS.toString())
                .redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(check.waitFor()).as(output).isZero();
        assertThat(output).contains("SUCCESS: 5 rules found");
    }

    private ApiClient startPrometheus() throws IOException {
        int promPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            promPort = socket.getLocalPort();
        }
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: ['%s']
                scrape_configs:
                  - job_name: resnet-serve
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(ALERTS.toAbsolutePath(), port));
        prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + promPort)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        return new ApiClient(promPort);
    }

    private void awaitData(ApiClient prom, String expr) throws InterruptedException {
        for (int i = 0; i < 300 && !hasData(prom, expr); i++) {
            Thread.sleep(100); // waiting for Prometheus to start and scrape, not timing anything
        }
        assertThat(hasData(prom, expr)).as("Prometheus has %s", expr).isTrue();
    }

    private boolean hasData(ApiClient prom, String expr) {
        try {
            JsonNode answer = query(prom, expr);
            return "success".equals(answer.get("status").asString()) && answer.get("data").get("result").size() > 0;
        } catch (RuntimeException notUpYet) {
            return false;
        }
    }

    private static JsonNode query(ApiClient prom, String expr) {
        return prom.get("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)).json();
    }

    /** Panel title plus target letter to the expression, with Grafana's variables filled in. */
    private static Map<String, String> dashboardQueries() throws IOException {
        JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                queries.put(panel.get("title").asString() + " " + target.get("refId").asString(),
                        target.get("expr").asString().replace("$__rate_interval", "1m").replace("$model", ".*"));
            }
        }
        assertThat(queries).hasSizeGreaterThanOrEqualTo(8);
        return queries;
    }

    @SuppressWarnings("unchecked")
    private static List<String> alertExpressions() throws IOException {
        Map<String, Object> rules = new Yaml().load(Files.readString(ALERTS));
        List<String> exprs = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                exprs.add((String) rule.get("expr"));
            }
        }
        assertThat(exprs).hasSize(5);
        return exprs;
    }
}
