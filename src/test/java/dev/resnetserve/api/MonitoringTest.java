package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Fixtures;
import dev.resnetserve.support.PrometheusQueries;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard and the alert rules against a real Prometheus (Debian's binary, on loopback) scraping the service
 * after some traffic: every query and alert expression must evaluate, and the main panels must have data.
 */
class MonitoringTest extends RunningServiceTest {

    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

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
        PrometheusQueries prom = new PrometheusQueries(startPrometheus());

        prom.awaitData("up{job=\"resnet-serve\"} == 1", 30);
        for (int round = 0; round < 200 && !prom.hasData("rate(inference_requests_total[1m]) > 0"); round++) {
            client.post("/v1/models/parity/classify", "image/jpeg", Fixtures.bytes("parity/chelsea-small.jpg"));
            client.post("/v1/classify", "image/jpeg", "broken".getBytes());
        }

        prom.assertDashboardAndAlertsEvaluate();
    }

    @Test
    void promtoolAcceptsTheAlertRules() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        if (!Files.isExecutable(promtool)) {
            assertThat(System.getenv("CI")).as("promtool is required in CI").isNull();
            Assumptions.abort("promtool not installed (apt-get install prometheus)");
        }
        Process check = new ProcessBuilder(promtool.toString(), "check", "rules", PrometheusQueries.ALERTS.toString())
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
                """.formatted(PrometheusQueries.ALERTS.toAbsolutePath(), port));
        prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + promPort)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        return new ApiClient(promPort);
    }
}
