package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.support.Fixtures;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The committed corpus of bad and odd files (src/test/resources/hostile, from scripts/make-hostile-corpus.py), each
 * sent to both test models: every answer is the expected 200 or 4xx problem detail, within 10 s, with no thread
 * left behind and the heap's peak growth under 512 MiB for the whole corpus.
 */
class HostileInputTest extends RunningServiceTest {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final long HEAP_GROWTH_BOUND = 512L << 20;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(BOUND).build();
    private final JsonMapper json = JsonMapper.builder().build();

    record Case(String file, String contentType, int status, String code) {}

    @Test
    void everyFileGetsItsExpectedAnswerAndNothingLeaks() throws Exception {
        List<Case> corpus = corpus();
        send("/v1/models/parity/classify", "image/jpeg", Fixtures.bytes("parity/chelsea-small.jpg"));
        int threadsBefore = Thread.activeCount();
        long heapBefore = heapUsed();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);

        List<String> wrong = new ArrayList<>();
        for (String model : new String[] {"parity", "demo"}) {
            for (Case c : corpus) {
                HttpResponse<String> response = send(
                        "/v1/models/" + model + "/classify", c.contentType(), Fixtures.bytes("../hostile/" + c.file()));
                String code = response.statusCode() == 200 ? "-" : problemCode(response);
                if (response.statusCode() != c.status() || !code.equals(c.code())) {
                    wrong.add(model + " " + c.file() + ": expected " + c.status() + " " + c.code() + ", got "
                            + response.statusCode() + " " + response.body());
                }
            }
        }

        assertThat(wrong).isEmpty();
        assertThat(heapPeak() - heapBefore).as("heap growth at the peak").isLessThan(HEAP_GROWTH_BOUND);
        assertThat(Thread.activeCount()).as("threads after the corpus").isLessThanOrEqualTo(threadsBefore + 4);
        assertThat(send("/v1/models/parity/classify", "image/jpeg", Fixtures.bytes("parity/chelsea-small.jpg"))
                        .statusCode())
                .as("still serving")
                .isEqualTo(200);
    }

    @Test
    void multipartWithoutTheImagePartIsRefused() throws Exception {
        HttpResponse<String> response = multipart("/v1/classify", 1, "file");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(problemCode(response)).isEqualTo("missing_image_part");
    }

    @Test
    void multipartWithTooManyPartsIsRefused() throws Exception {
        HttpResponse<String> response = multipart("/v1/classify", 200, "image");

        assertThat(response.statusCode()).isBetween(400, 413);
        assertThat(problemCode(response)).isIn("invalid_multipart", "body_too_large");
    }

    private List<Case> corpus() {
        List<Case> cases = new ArrayList<>();
        for (String line : Fixtures.text("../hostile/expected.tsv").split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String[] f = line.split("\t");
                cases.add(new Case(f[0], f[1], Integer.parseInt(f[2]), f[3]));
            }
        }
        assertThat(cases).hasSizeGreaterThanOrEqualTo(25);
        return cases;
    }

    HttpResponse<String> send(String path, String contentType, byte[] body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(BOUND)
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> multipart(String path, int parts, String partName) throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < parts; i++) {
            body.append("--b\r\nContent-Disposition: form-data; name=\"")
                    .append(partName)
                    .append(i == 0 ? "" : i)
                    .append("\"; filename=\"x.jpg\"\r\nContent-Type: image/jpeg\r\n\r\nxx\r\n");
        }
        body.append("--b--\r\n");
        return send(path, "multipart/form-data; boundary=b", body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private String problemCode(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Content-Type").orElse(""))
                .as(response.body())
                .startsWith("application/problem+json");
        JsonNode problem = json.readTree(response.body());
        return problem.get("code").asString();
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long heapPeak() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed())
                .sum();
    }
}
