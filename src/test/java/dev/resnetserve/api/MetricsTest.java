package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Fixtures;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Prometheus exposition after real traffic: request outcomes, stage and batch histograms, model gauges. */
class MetricsTest extends RunningServiceTest {

    @Test
    void countsRequestsByOutcome() {
        String before = scrape();
        for (int i = 0; i < 3; i++) {
            assertThat(client.post(PARITY, "image/jpeg", Fixtures.bytes("parity/chelsea-small.jpg"))
                            .status())
                    .isEqualTo(200);
        }
        client.post(PARITY, "image/jpeg", "not an image".getBytes());
        client.post(PARITY, "text/plain", "x".getBytes());
        client.post(PARITY, "image/*", "x".getBytes());
        client.post("/v1/models/no-such-model/classify", "image/jpeg", Fixtures.bytes("parity/chelsea-small.jpg"));
        String after = scrape();

        String success = "inference_requests_total{model=\"parity\",outcome=\"success\",version=\"1\"}";
        String bad = "inference_requests_total{model=\"parity\",outcome=\"bad_request\",version=\"1\"}";
        String refused = "inference_requests_total{model=\"parity\",outcome=\"bad_request\",version=\"_none\"}";
        String unknown = "inference_requests_total{model=\"_unknown\",outcome=\"bad_request\",version=\"_none\"}";
        assertThat(value(after, success) - countBefore(before, success)).isEqualTo(3);
        assertThat(value(after, bad) - countBefore(before, bad))
                .as("undecodable: the version that was to serve it")
                .isEqualTo(1);
        assertThat(value(after, refused) - countBefore(before, refused))
                .as("unsupported and ranged media type, refused before a version was chosen")
                .isEqualTo(2);
        assertThat(value(after, unknown) - countBefore(before, unknown)).isEqualTo(1);
        assertThat(after).doesNotContain("no-such-model");
        assertThat(value(after, "inference_request_duration_seconds_count{model=\"parity\",version=\"1\"}"))
                .isGreaterThanOrEqualTo(4);
    }

    @Test
    void exposesStageAndBatchHistogramsWithLatencyBuckets() {
        client.post(PARITY, "image/jpeg", Fixtures.bytes("parity/chelsea-small.jpg"));
        String metrics = scrape();

        for (String stage : new String[] {"decode", "preprocess", "queue", "inference", "postprocess"}) {
            assertThat(value(
                            metrics,
                            "inference_stage_duration_seconds_count{model=\"parity\",stage=\"" + stage
                                    + "\",version=\"1\"}"))
                    .as(stage)
                    .isGreaterThanOrEqualTo(1);
        }
        assertThat(metrics)
                .contains(
                        "inference_stage_duration_seconds_bucket{model=\"parity\",stage=\"inference\",version=\"1\","
                                + "le=\"0.001\"}",
                        "le=\"10.0\"}",
                        "le=\"+Inf\"}");
        assertThat(value(metrics, "inference_batch_size_count{device=\"cpu\",model=\"parity\"}"))
                .isPositive();
        assertThat(metrics).contains("inference_batch_size_bucket{device=\"cpu\",model=\"parity\",le=\"8.0\"}");
        assertThat(metrics)
                .as("stage observations are for tracing, not a second set of stage metrics")
                .doesNotContain("resnet_stage");
    }

    @Test
    void exposesModelGauges() {
        String metrics = scrape();

        assertThat(value(metrics, "inference_workers{device=\"cpu\",model=\"parity\"}"))
                .isEqualTo(2);
        assertThat(value(metrics, "inference_workers_busy{device=\"cpu\",model=\"parity\"}"))
                .isBetween(0.0, 2.0);
        assertThat(value(metrics, "inference_queue_depth{model=\"parity\"}")).isZero();
        assertThat(value(metrics, "inference_model_ready{model=\"parity\"}")).isEqualTo(1);
        assertThat(value(metrics, "inference_requests_in_flight"))
                .as("none between requests (the chart's autoscaling.metric in-flight)")
                .isZero();
        assertThat(value(metrics, "inference_model_load_duration_seconds{device=\"cpu\",model=\"parity\"}"))
                .isPositive();
        assertThat(value(
                        metrics,
                        "inference_model_info{architecture=\"resnet-demo\",device=\"cpu\",model=\"demo\","
                                + "version=\"1\"}"))
                .isEqualTo(1);
    }

    /**
     * {@code promtool check metrics} (Debian's prometheus package, installed by .ci/run) must find nothing wrong
     * with our families. Spring Boot's own JVM metrics draw lint findings, so only ours are held to it. Without
     * promtool the test is skipped locally and fails in CI.
     */
    @Test
    void promtoolFindsNothingWrongWithOurMetricFamilies() throws Exception {
        java.nio.file.Path promtool = java.nio.file.Path.of("/usr/bin/promtool");
        if (!java.nio.file.Files.isExecutable(promtool)) {
            assertThat(System.getenv("CI")).as("promtool is required in CI").isNull();
            org.junit.jupiter.api.Assumptions.abort("promtool not installed (apt-get install prometheus)");
        }
        client.post(PARITY, "image/jpeg", Fixtures.bytes("parity/chelsea-small.jpg"));
        client.post(PARITY, "image/jpeg", "bad".getBytes());
        Process check = new ProcessBuilder(promtool.toString(), "check", "metrics")
                .redirectErrorStream(true)
                .start();
        try (var in = check.getOutputStream()) {
            in.write(scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String findings = new String(check.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        int status = check.waitFor();

        assertThat(status)
                .as("promtool: 0 clean, 3 lint findings, 1 unparsable; output:%n%s", findings)
                .isIn(0, 3);
        assertThat(findings).doesNotContain("inference_");
    }

    private String scrape() {
        ApiClient.Response response = client.get("/actuator/prometheus");
        assertThat(response.status()).isEqualTo(200);
        return response.raw().body();
    }

    /** The series' value; the series must be in the exposition (a gauge or counter gone is a failure, not a 0). */
    private static double value(String exposition, String series) {
        OptionalDouble value = find(exposition, series);
        assertThat(value).as("%s in the exposition", series).isPresent();
        return value.getAsDouble();
    }

    /** A counter before the traffic that makes it: absent until its first increment, so absent counts as 0. */
    private static double countBefore(String exposition, String series) {
        return find(exposition, series).orElse(0);
    }

    private static OptionalDouble find(String exposition, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE)
                .matcher(exposition);
        return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
    }
}
