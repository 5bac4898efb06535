package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.serving.Outcome;
import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Fixtures;
import dev.resnetserve.support.Ports;
import dev.resnetserve.support.PrometheusQueries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The dashboard and the alert rules against a real Prometheus (Debian's binary, on loopback) scraping the service
 * after some traffic: every query and alert expression must evaluate, and the main panels must have data.
 */
class MonitoringTest extends RunningServiceTest {

    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Path ALERT_TESTS = Path.of("monitoring/alerts.test.yml");

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
        String output = promtool("check", "rules", PrometheusQueries.ALERTS.toString());

        assertThat(output).contains("SUCCESS: 5 rules found");
    }

    /**
     * monitoring/alerts.test.yml: every alert fires on synthetic series, with its labels and annotations, and stays
     * quiet on series just inside its threshold. A misspelt metric, label or outcome, a changed threshold, a lost
     * {@code by} label or a changed severity or summary fails it.
     */
    @Test
    void promtoolUnitTestsOfTheAlertRulesPass() throws Exception {
        String output = promtool("test", "rules", ALERT_TESTS.toString());

        assertThat(output).contains("SUCCESS");
    }

    /** Each alert in alerts.yml has a unit test where it fires and one where it does not. */
    @Test
    @SuppressWarnings("unchecked")
    void everyAlertHasAFiringAndAQuietUnitTest() throws Exception {
        Set<String> alerts = new TreeSet<>();
        Map<String, Object> rules = new Yaml().load(Files.readString(PrometheusQueries.ALERTS));
        for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                alerts.add((String) rule.get("alert"));
            }
        }
        Set<String> firing = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        for (Map<String, Object> test : alertTests()) {
            for (Map<String, Object> check : (List<Map<String, Object>>) test.get("alert_rule_test")) {
                List<?> expected = (List<?>) check.get("exp_alerts");
                (expected == null || expected.isEmpty() ? quiet : firing).add((String) check.get("alertname"));
            }
        }

        assertThat(alerts).hasSize(5);
        assertThat(firing).as("alerts tested firing").isEqualTo(alerts);
        assertThat(quiet).as("alerts tested quiet").isEqualTo(alerts);
    }

    /**
     * The unit tests' input series are named and labelled as the service exposes them, so a rule and its test
     * cannot agree on a misspelt name: every metric (but Prometheus's own {@code up}) is in the service's
     * exposition with every label the test gives it (but the scrape's {@code job} and {@code instance}), and every
     * {@code outcome} is one the service counts.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theAlertUnitTestsUseTheSeriesTheServiceExposes() throws Exception {
        client.post(PARITY, "image/jpeg", Fixtures.bytes("parity/chelsea-small.jpg"));
        String exposition = client.get("/actuator/prometheus").body();
        Set<String> outcomes = new TreeSet<>();
        for (Outcome outcome : Outcome.values()) {
            outcomes.add(outcome.label());
        }
        Pattern seriesPattern = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{(.*)}");
        Pattern labelPattern = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");
        int checked = 0;
        for (Map<String, Object> test : alertTests()) {
            for (Map<String, Object> input : (List<Map<String, Object>>) test.get("input_series")) {
                Matcher series = seriesPattern.matcher((String) input.get("series"));
                assertThat(series.matches())
                        .as("series %s", input.get("series"))
                        .isTrue();
                String name = series.group(1);
                if (name.equals("up")) {
                    continue;
                }
                List<String> lines = exposition
                        .lines()
                        .filter(line -> line.startsWith(name + "{"))
                        .toList();
                assertThat(lines).as("the service exposes %s", name).isNotEmpty();
                Matcher label = labelPattern.matcher(series.group(2));
                while (label.find()) {
                    String labelName = label.group(1);
                    if (labelName.equals("job") || labelName.equals("instance")) {
                        continue;
                    }
                    assertThat(lines)
                            .as("%s has the label %s", name, labelName)
                            .anyMatch(line ->
                                    line.contains("," + labelName + "=\"") || line.contains("{" + labelName + "=\""));
                    if (labelName.equals("outcome")) {
                        assertThat(outcomes).as("outcomes the service counts").contains(label.group(2));
                    }
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(10);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> alertTests() throws IOException {
        Map<String, Object> tests = new Yaml().load(Files.readString(ALERT_TESTS));
        return (List<Map<String, Object>>) tests.get("tests");
    }

    /** promtool's output; fails unless it exits 0. Without promtool: skipped locally, a failure in CI. */
    private static String promtool(String... args) throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        if (!Files.isExecutable(promtool)) {
            assertThat(System.getenv("CI")).as("promtool is required in CI").isNull();
            Assumptions.abort("promtool not installed (apt-get install prometheus)");
        }
        List<String> command = new ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process run = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(run.waitFor()).as("%s:%n%s", command, output).isZero();
        return output;
    }

    private ApiClient startPrometheus() throws IOException {
        int promPort = Ports.free();
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
        prometheus = new ProcessBuilder(
                        PROMETHEUS.toString(),
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + promPort)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        return new ApiClient(promPort);
    }
}
