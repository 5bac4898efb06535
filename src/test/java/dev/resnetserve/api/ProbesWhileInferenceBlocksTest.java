package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.support.Fixtures;
import dev.resnetserve.support.HeldBatches;
import dev.resnetserve.support.Readiness;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

/**
 * Health probes and metrics answer while the only worker is held inside a batch and more clients wait than the
 * servlet container has threads: inference takes at most its share of the request threads, the rest get 503 at
 * once. (Without that cap all eight threads waited on inference, and no other request was answered.)
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "server.tomcat.threads.max=8",
            "server.tomcat.threads.min-spare=2",
            "resnet.models.demo.workers=1",
            "resnet.models.demo.batch.max-size=1",
            "resnet.models.demo.queue-capacity=64",
            "resnet.models.demo.request-timeout=10m", // no request is refused on its predicted wait: only the cap
            // refuses
            "resnet.limits.body-read-timeout=3s",
        })
@Import(HeldBatches.Configuration.class)
class ProbesWhileInferenceBlocksTest {

    private static final int CLIENTS = 24;
    private static final int ADMITTED = 6; // eight threads, a quarter kept for probes, metrics and management
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10); // a hung probe, not a timing claim

    @LocalServerPort
    int port;

    @Autowired
    ModelRegistry registry;

    @Autowired
    HeldBatches held;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void ready() throws InterruptedException {
        Readiness.await(registry);
    }

    @AfterEach
    void release() {
        held.release();
    }

    @Test
    void probesAndMetricsAnswerWhileEveryWorkerIsHeldInABatch() throws Exception {
        held.hold();
        byte[] image = Fixtures.bytes("shapes-pil/002-triangle.png");
        List<CompletableFuture<HttpResponse<String>>> requests = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            requests.add(http.sendAsync(
                    HttpRequest.newBuilder(uri("/v1/classify"))
                            .header("Content-Type", "image/png")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(image))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        assertThat(held.awaitHeld()).as("the worker is inside a batch").isTrue();
        List<HttpResponse<String>> refused = awaitAnswered(requests, CLIENTS - ADMITTED);
        awaitQueued(ADMITTED - 1); // the admitted ones may still be decoding; one is in the held batch

        assertThat(refused).allSatisfy(response -> {
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(response.body()).contains("\"code\":\"server_busy\"");
        });
        HttpResponse<String> readiness = get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        HttpResponse<String> liveness = get("/actuator/health/liveness");
        assertThat(liveness.statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = get("/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("inference_workers_busy{device=\"cpu\",model=\"demo\"} 1.0")
                .contains("inference_queue_depth{model=\"demo\"} " + (ADMITTED - 1) + ".0");

        held.release();
        for (CompletableFuture<HttpResponse<String>> request : requests) {
            assertThat(request.get(60, TimeUnit.SECONDS).statusCode()).isIn(200, 503);
        }
        assertThat(requests.stream().filter(r -> r.join().statusCode() == 200)).hasSize(ADMITTED);
    }

    /**
     * Clients that trickle their bodies (a byte every 200 ms, each read well inside the connection timeout) take
     * only the request threads lent to inference, not those kept for probes: more of them than the container has
     * threads, and probes still answer, other inference requests get 503 at once, and each trickler gets 408
     * body_timeout once its body has taken longer than resnet.limits.body-read-timeout.
     */
    @Test
    void clientsTricklingTheirBodiesCannotTakeTheProbesThreads() throws Exception {
        ScheduledExecutorService trickle = Executors.newScheduledThreadPool(2);
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                Socket socket = new Socket("127.0.0.1", port);
                socket.setSoTimeout(30_000); // a hung test, not a timing claim
                socket.getOutputStream()
                        .write(("POST /v1/classify HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                        + "Content-Type: image/png\r\nContent-Length: 100000\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                sockets.add(socket);
            }
            trickle(trickle, sockets);

            HttpResponse<String> liveness = get("/actuator/health/liveness");
            assertThat(liveness.statusCode()).isEqualTo(200);
            assertThat(get("/actuator/prometheus").statusCode()).isEqualTo(200);
            HttpResponse<String> refused = classifyTriangle();
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).contains("\"code\":\"server_busy\"");

            List<String> statuses = new ArrayList<>();
            for (Socket socket : sockets) {
                statuses.add(new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII));
            }
            assertThat(statuses.stream().filter(status -> status.endsWith("408")))
                    .as("the admitted tricklers are cut off at the body-read timeout")
                    .hasSize(ADMITTED);
            assertThat(statuses.stream().filter(status -> status.endsWith("503")))
                    .as("the others are refused before their body")
                    .hasSize(CLIENTS - ADMITTED);
        } finally {
            trickle.shutdownNow();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        HttpResponse<String> after = classifyTriangle();
        assertThat(after.statusCode()).as("serving again").isEqualTo(200);
    }

    /**
     * A multipart body is held to the same body-read timeout as a raw one, on every endpoint that takes one: a
     * client trickling its image part (a byte every 200 ms) gets 408 body_timeout, not a thread for as long as its
     * declared size allows.
     */
    @Test
    void multipartBodiesTrickledToAnyInferenceEndpointAreCutOffAtTheBodyReadTimeout() throws Exception {
        ScheduledExecutorService trickle = Executors.newScheduledThreadPool(1);
        List<Socket> sockets = new ArrayList<>();
        try {
            for (String[] endpoint : List.of(
                    new String[] {"/v1/classify", "image"},
                    new String[] {"/v1/models/demo/explain", "image"},
                    new String[] {"/predictions/demo", "data"})) {
                Socket socket = new Socket("127.0.0.1", port);
                socket.setSoTimeout(30_000); // a hung test, not a timing claim
                socket.getOutputStream()
                        .write(("POST " + endpoint[0] + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                        + "Content-Type: multipart/form-data; boundary=b\r\n"
                                        + "Content-Length: 100000\r\n\r\n--b\r\nContent-Disposition: form-data; name=\""
                                        + endpoint[1] + "\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                sockets.add(socket);
            }
            trickle(trickle, sockets);
            for (Socket socket : sockets) {
                assertThat(answerUntil(socket, "body_timeout")).startsWith("HTTP/1.1 408");
            }
        } finally {
            trickle.shutdownNow();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /** Sends one more byte of each body every 200 ms, well inside the connection timeout. */
    private static void trickle(ScheduledExecutorService trickle, List<Socket> sockets) {
        trickle.scheduleAtFixedRate(
                () -> sockets.forEach(socket -> {
                    try {
                        socket.getOutputStream().write(0);
                    } catch (IOException closedByTheServer) {
                        // answered already
                    }
                }),
                0,
                200,
                TimeUnit.MILLISECONDS);
    }

    /** What the server answered on the socket, read until it contains {@code expected} or the server closes. */
    private static String answerUntil(Socket socket, String expected) throws IOException {
        StringBuilder answer = new StringBuilder();
        byte[] buffer = new byte[4096];
        int read;
        while (!answer.toString().contains(expected)
                && (read = socket.getInputStream().read(buffer)) >= 0) {
            answer.append(new String(buffer, 0, read, StandardCharsets.US_ASCII));
        }
        return answer.toString();
    }

    private HttpResponse<String> classifyTriangle() throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri("/v1/classify"))
                        .timeout(PROBE_TIMEOUT)
                        .header("Content-Type", "image/png")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.bytes("shapes-pil/002-triangle.png")))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until {@code count} of the requests have their answer, and returns those answers. */
    private static List<HttpResponse<String>> awaitAnswered(
            List<CompletableFuture<HttpResponse<String>>> requests, int count) throws InterruptedException {
        CountDownLatch answered = new CountDownLatch(count);
        requests.forEach(request -> request.thenRun(answered::countDown));
        assertThat(answered.await(60, TimeUnit.SECONDS))
                .as(count + " requests answered")
                .isTrue();
        return requests.stream()
                .filter(CompletableFuture::isDone)
                .map(CompletableFuture::join)
                .toList();
    }

    private void awaitQueued(int depth) throws InterruptedException {
        for (int i = 0; i < 600 && registry.defaultModel().queueDepth() < depth; i++) {
            Thread.sleep(100);
        }
        assertThat(registry.defaultModel().queueDepth())
                .as("admitted requests queued")
                .isEqualTo(depth);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.sendAsync(
                        HttpRequest.newBuilder(uri(path)).timeout(PROBE_TIMEOUT).build(),
                        HttpResponse.BodyHandlers.ofString())
                .get(PROBE_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
