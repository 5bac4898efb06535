package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Fixtures;
import dev.resnetserve.support.Readiness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Model management against the running service, in a context of its own (the registry changes here): register,
 * switch versions under traffic, scale workers, remove, and the refusals.
 */
@TestPropertySource(
        properties = {
            "resnet.management.allowed-locations=classpath:fixtures/",
            "resnet.management.max-models=3",
            "resnet.management.max-versions-per-model=2"
        })
class ModelManagementTest extends RunningServiceTest {

    private static final String MODEL = "classpath:fixtures/parity/model.pt";
    private static final String LABELS = "classpath:fixtures/parity/labels.txt";
    private static final byte[] CAT = Fixtures.bytes("parity/chelsea-small.jpg");
    private static final String FAILURE = ApiClient.FAILURE;

    @AfterEach
    void removeRegistered() {
        for (String name : new String[] {"extra", "switch"}) {
            if (registry.serves(name)) {
                registry.remove(name, null);
            }
        }
    }

    @Test
    void aRegisteredModelLoadsInTheBackgroundServesAndCanBeRemoved() throws Exception {
        ApiClient.Response registered = register("extra", "1", true);

        assertThat(registered.status()).as(registered.body()).isEqualTo(202);
        assertThat(registered.header("Location")).isEqualTo("/v1/models/extra/versions/1");
        Readiness.awaitVersionState(client, "extra", "1", "READY");
        assertThat(client.post("/v1/models/extra/classify", "image/jpeg", CAT).status())
                .isEqualTo(200);
        assertThat(metrics())
                .contains("inference_model_info{architecture=\"unknown\",device=\"cpu\",model=\"extra\","
                        + "version=\"1\"} 1")
                .contains("inference_model_ready{model=\"extra\"} 1.0");

        ApiClient.Response removed = client.delete("/v1/models/extra");

        assertThat(removed.status()).isEqualTo(202);
        assertThat(client.get("/v1/models/extra").status()).isEqualTo(404);
        assertThat(client.post("/v1/models/extra/classify", "image/jpeg", CAT).status())
                .isEqualTo(404);
        assertThat(metrics())
                .as("its gauges go; its request counters stay, as counters do")
                .doesNotContain(
                        "inference_model_ready{model=\"extra\"}",
                        "inference_queue_depth{model=\"extra\"}",
                        "inference_workers{device=\"cpu\",model=\"extra\"}",
                        "inference_model_info{architecture=\"unknown\",device=\"cpu\",model=\"extra\","
                                + "version=\"1\"}")
                .contains("inference_requests_total{model=\"extra\",outcome=\"success\",version=\"1\"}");
    }

    @Test
    void aNewVersionTakesOverAtomicallyWithNoFailedRequest() throws Exception {
        register("switch", "1", true);
        Readiness.awaitVersionState(client, "switch", "1", "READY");
        Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(3);
        List<Future<?>> loops = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            loops.add(clients.submit(() -> {
                while (running.get()) {
                    answers.computeIfAbsent(
                                    client.classifyVersion("/v1/models/switch/classify", "image/jpeg", CAT),
                                    k -> new AtomicLong())
                            .incrementAndGet();
                }
            }));
        }
        try {
            Readiness.awaitAnswers(answers, "v1", 20);
            assertThat(register("switch", "2", true).status()).isEqualTo(202);
            Readiness.awaitVersionState(client, "switch", "2", "READY");
            Readiness.awaitAnswers(answers, "v2", 20);
            assertThat(client.get("/v1/models/switch").json().get("version").asString())
                    .isEqualTo("2");
            assertProblem(client.delete("/v1/models/switch/versions/2"), 409, "model_conflict");

            assertThat(client.delete("/v1/models/switch/versions/1").status()).isEqualTo(202);
            long afterRemoval = answers.get("v2").get() + 20;
            Readiness.awaitAnswers(answers, "v2", afterRemoval);
        } finally {
            running.set(false);
            clients.shutdown();
            assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }

        for (Future<?> loop : loops) {
            loop.get(); // a loop that ended by itself, not by running = false, would throw here
        }
        assertThat(answers.keySet()).as("failed requests: %s", answers).noneMatch(key -> key.startsWith(FAILURE));
        assertThat(answers.keySet())
                .as("every answer during the switch and the removal")
                .containsOnly("v1", "v2");
        assertThat(client.get("/v1/models/switch/versions").json()).hasSize(1);
    }

    @Test
    void workersScaleUpAndDownUnderTraffic() throws Exception {
        ApiClient.Response up = put("/v1/models/parity/workers", "{\"workers\": 3}");

        assertThat(up.status()).as(up.body()).isEqualTo(200);
        assertThat(up.json().get("workersPerDevice").asInt()).isEqualTo(3);
        assertThat(metrics()).contains("inference_workers{device=\"cpu\",model=\"parity\"} 3.0");
        for (int i = 0; i < 10; i++) {
            assertThat(client.post(PARITY, "image/jpeg", CAT).status()).isEqualTo(200);
        }

        ApiClient.Response down = put("/v1/models/parity/workers", "{\"workers\": 2}");

        assertThat(down.json().get("workersPerDevice").asInt()).isEqualTo(2);
        assertThat(metrics()).contains("inference_workers{device=\"cpu\",model=\"parity\"} 2.0");
        assertThat(client.post(PARITY, "image/jpeg", CAT).status()).isEqualTo(200);
    }

    @Test
    void refusesWhatWouldBreakServing() throws Exception {
        assertProblem(
                client.post(
                        "/v1/models",
                        "application/json",
                        ("{\"name\":\"extra\",\"location\":" + "\"https://models.example.com/r50.pt\"}").getBytes()),
                400,
                "location_not_allowed");
        assertProblem(
                client.post(
                        "/v1/models",
                        "application/json",
                        "{\"name\":\"../etc\",\"location\":\"classpath:fixtures/x\"}".getBytes()),
                400,
                "invalid_request");
        assertProblem(register("parity", "1", true), 409, "model_conflict");
        assertProblem(client.delete("/v1/models/demo"), 409, "model_conflict");
        assertProblem(put("/v1/models/parity/default", "{\"version\": \"7\"}"), 404, "model_not_found");
        assertProblem(put("/v1/models/parity/workers", "{\"workers\": 0}"), 400, "invalid_request");
        assertProblem(
                client.post(
                        "/v1/models",
                        "application/json",
                        ("{\"name\":\"extra\",\"location\":\"" + MODEL + "\",\"devices\":[\"gpu3\"]}").getBytes()),
                400,
                "device_unavailable");
    }

    @Test
    void locationsAreCheckedAsPlacesAndLabelsStayOnTheAllowedSide() {
        for (String escape : new String[] {
            "classpath:fixtures/../application.yml",
            "classpath:fixtures/%2e%2e/application.yml",
            "file:/etc/passwd",
            "/dev/zero",
            "classpath:fixtures.evil/model.pt"
        }) {
            assertProblem(
                    client.post(
                            "/v1/models",
                            "application/json",
                            ("{\"name\":\"extra\",\"location\":\"" + MODEL + "\",\"labels\":\"" + escape + "\"}")
                                    .getBytes()),
                    400,
                    "location_not_allowed");
            assertProblem(
                    client.post(
                            "/v1/models",
                            "application/json",
                            ("{\"name\":\"extra\",\"location\":\"" + escape + "\"}").getBytes()),
                    400,
                    "location_not_allowed");
        }
        assertThat(registry.serves("extra")).isFalse();
    }

    @Test
    void modelsVersionsAndBodiesAreBounded() throws Exception {
        assertThat(register("extra", "1", true).status()).isEqualTo(202);
        assertProblem(register("extra2", "1", true), 409, "model_conflict"); // demo, parity, extra: the most
        assertThat(register("extra", "2", false).status()).isEqualTo(202);
        assertProblem(register("extra", "3", false), 409, "model_conflict");
        Readiness.awaitVersionState(client, "extra", "2", "READY");

        byte[] large = ("{\"name\":\"extra3\",\"location\":\"" + MODEL + "\",\"architecture\":\"" + "x".repeat(70_000)
                        + "\"}")
                .getBytes();
        assertProblem(client.post("/v1/models", "application/json", large), 413, "body_too_large");
        assertThat(registry.serves("extra3")).isFalse();
    }

    private ApiClient.Response register(String name, String version, boolean makeDefault) {
        return client.post(
                "/v1/models",
                "application/json",
                ("{\"name\":\"" + name + "\",\"version\":\"" + version
                                + "\",\"location\":\"" + MODEL + "\",\"labels\":\"" + LABELS
                                + "\",\"preprocessing\":\"imagenet\","
                                + "\"batchMaxSize\":2,\"makeDefault\":" + makeDefault + "}")
                        .getBytes());
    }

    private ApiClient.Response put(String path, String json) {
        return client.put(path, "application/json", json.getBytes());
    }

    /**
     * On this loopback-only server without keys, the operator is whoever names it as loopback: Tomcat's server
     * name from a raw {@code Host} header, as a page whose own name was rebound to 127.0.0.1 would send it.
     */
    @Test
    void aRequestNamingAnotherHostIsNotTheOperator() throws Exception {
        String rebound = raw("PUT /v1/models/parity/workers", "evil.example.com:" + port, "{\"workers\": 2}");
        assertThat(rebound).startsWith("HTTP/1.1 403 ").contains("\"code\":\"management_disabled\"");
        assertThat(raw("GET /v1/models", "evil.example.com:" + port, null))
                .as("no role: no location")
                .startsWith("HTTP/1.1 200 ")
                .doesNotContain("\"source\"");
        assertThat(raw("GET /v1/models", "localhost:" + port, null))
                .as("the operator sees where a model comes from")
                .startsWith("HTTP/1.1 200 ")
                .contains("\"source\"");
    }

    private String raw(String requestLine, String host, String json) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000); // a hung test, not a timing claim
            byte[] body = json == null ? new byte[0] : json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            socket.getOutputStream()
                    .write((requestLine + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n"
                                    + (json == null ? "" : "Content-Type: application/json\r\n")
                                    + "Content-Length: " + body.length + "\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private String metrics() {
        return client.get("/actuator/prometheus").body();
    }

    private static void assertProblem(ApiClient.Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        JsonNode problem = response.json();
        assertThat(problem.get("code").asString()).isEqualTo(code);
    }
}
