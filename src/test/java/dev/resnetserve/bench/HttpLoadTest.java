package dev.resnetserve.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.support.Fixtures;
import dev.resnetserve.support.Readiness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/** The load generator against the real service: it counts what it sent and what came back (no timing claims). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class HttpLoadTest {

    @LocalServerPort
    int port;

    @Autowired
    ModelRegistry registry;

    @Test
    void drivesTheServiceAndReportsWhatItGot() throws Exception {
        Readiness.await(registry);
        List<byte[]> images = List.of(Fixtures.bytes("parity/chelsea-small.jpg"), "not an image".getBytes());

        HttpLoad.Result result = new HttpLoad()
                .run(
                        URI.create("http://127.0.0.1:" + port + "/v1/models/parity/classify"),
                        images,
                        2,
                        Duration.ZERO,
                        Duration.ofSeconds(1));

        assertThat(result.statuses()).containsOnlyKeys(200, 400);
        assertThat(result.ok()).isEqualTo(result.statuses().get(200)).isPositive();
        assertThat(result.p50Ms()).isPositive().isLessThanOrEqualTo(result.p99Ms());
    }

    @Test
    void benchAlternatesTheCeilingAndTheHttpLoadForTheRoundsAsked() throws Exception {
        Readiness.await(registry);
        Path images = Files.createTempDirectory("bench-images");
        Files.write(images.resolve("chelsea-small.jpg"), Fixtures.bytes("parity/chelsea-small.jpg"));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        new BenchCommand(new PrintStream(printed, true, StandardCharsets.UTF_8))
                .run(Map.of(
                        "url",
                        "http://127.0.0.1:" + port + "/v1/models/parity/classify",
                        "images",
                        images.toString(),
                        "clients",
                        "1",
                        "seconds",
                        "2",
                        "warmup",
                        "0",
                        "rounds",
                        "2",
                        "ceiling-model",
                        "src/test/resources/fixtures/parity/model.pt",
                        "workers",
                        "1",
                        "batch",
                        "1"));

        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.stream().filter(l -> l.startsWith("ceiling w=1 b=1"))).hasSize(2);
        assertThat(lines.stream().filter(l -> l.startsWith("http clients=1")))
                .hasSize(2)
                .allMatch(l -> l.contains("statuses {200="));
        assertThat(lines.get(lines.size() - 1))
                .matches("over 2 round\\(s\\): http [0-9.]+ img/s, ceiling [0-9.]+ img/s, http/ceiling [0-9.]+; "
                        + "http p50 - ceiling median batch -?[0-9.]+ ms");
    }

    @Test
    void percentilesAreNearestRank() {
        long[] nanos = {1_000_000, 2_000_000, 3_000_000, 4_000_000};
        assertThat(HttpLoad.percentile(nanos, 0.5)).isEqualTo(2.0);
        assertThat(HttpLoad.percentile(nanos, 0.99)).isEqualTo(4.0);
        assertThat(HttpLoad.percentile(new long[0], 0.5)).isNaN();
    }
}
