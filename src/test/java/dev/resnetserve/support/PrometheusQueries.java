package dev.resnetserve.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The queries of monitoring/grafana-dashboard.json and monitoring/alerts.yml, asked of a real Prometheus. */
public final class PrometheusQueries {

    public static final Path DASHBOARD = Path.of("monitoring/grafana-dashboard.json");
    public static final Path ALERTS = Path.of("monitoring/alerts.yml");
    /** Panels that must have data once the service has had traffic. */
    public static final List<String> MAIN_PANELS = List.of(
            "Throughput by outcome",
            "End-to-end latency",
            "p99 latency by stage",
            "Queue depth",
            "Mean batch size",
            "Worker utilisation",
            "Models ready");

    private final ApiClient prometheus;

    public PrometheusQueries(ApiClient prometheus) {
        this.prometheus = prometheus;
    }

    public JsonNode query(String expr) {
        return prometheus
                .get("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8))
                .json();
    }

    public boolean hasData(String expr) {
        try {
            JsonNode answer = query(expr);
            return "success".equals(answer.get("status").asString())
                    && answer.get("data").get("result").size() > 0;
        } catch (RuntimeException notUpYet) {
            return false;
        }
    }

    /** Names of the rules Prometheus has loaded, over all groups. */
    public List<String> loadedRules() {
        List<String> names = new ArrayList<>();
        for (JsonNode group : prometheus.get("/api/v1/rules").json().get("data").get("groups")) {
            group.get("rules").forEach(rule -> names.add(rule.get("name").asString()));
        }
        return names;
    }

    /** Waits for Prometheus to start and scrape; nothing is timed. */
    public void awaitData(String expr, int seconds) throws InterruptedException {
        for (int i = 0; i < seconds * 10 && !hasData(expr); i++) {
            Thread.sleep(100);
        }
        assertThat(hasData(expr)).as("Prometheus has %s", expr).isTrue();
    }

    /** Every dashboard query and alert expression evaluates; the main panels have data. */
    public void assertDashboardAndAlertsEvaluate() throws IOException {
        Map<String, String> dashboard = dashboardQueries();
        for (Map.Entry<String, String> query : dashboard.entrySet()) {
            assertThat(query(query.getValue()).get("status").asString())
                    .as(query.getKey())
                    .isEqualTo("success");
        }
        for (String title : MAIN_PANELS) {
            assertThat(hasData(dashboard.get(title + " A")))
                    .as("data for '%s'", title)
                    .isTrue();
        }
        for (String expr : alertExpressions()) {
            assertThat(query(expr).get("status").asString()).as(expr).isEqualTo("success");
        }
    }

    /** Panel title plus target letter to the expression, with Grafana's variables filled in. */
    public static Map<String, String> dashboardQueries() throws IOException {
        JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                queries.put(
                        panel.get("title").asString() + " "
                                + target.get("refId").asString(),
                        target.get("expr")
                                .asString()
                                .replace("$__rate_interval", "1m")
                                .replace("$model", ".*"));
            }
        }
        assertThat(queries).hasSizeGreaterThanOrEqualTo(8);
        return queries;
    }

    @SuppressWarnings("unchecked")
    public static List<String> alertExpressions() throws IOException {
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
