package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.resnetserve.api.grpc.proto.GRPCInferenceServiceGrpc;
import dev.resnetserve.api.grpc.proto.InferTensorContents;
import dev.resnetserve.api.grpc.proto.ModelInferRequest;
import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Fixtures;
import dev.resnetserve.support.Ports;
import dev.resnetserve.support.Readiness;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * A canary under traffic, on the real engine and HTTP stack: the demo model registered as versions 1 and 2 (and 3),
 * requests that name no version split by the weights of {@code PUT /v1/models/canary/traffic} on every protocol,
 * counted per version in the metrics, and no request failing while the weights change, a weighted version loads,
 * the default version changes and a version is removed.
 */
@TestPropertySource(
        properties = {
            "resnet.management.allowed-locations=classpath:models/",
            "resnet.management.max-versions-per-model=3"
        })
class CanaryTrafficTest extends RunningServiceTest {

    private static final String CANARY = "/v1/models/canary/classify";
    private static final byte[] SHAPE = Fixtures.bytes("shapes-pil/002-triangle.png");
    private static final String FAILURE = ApiClient.FAILURE;
    private static final int CLIENTS = 4;
    private static final int GRPC_PORT = Ports.free();

    @DynamicPropertySource
    static void grpcPort(DynamicPropertyRegistry properties) {
        properties.add("resnet.grpc.port", () -> GRPC_PORT);
    }

    @BeforeEach
    void twoVersions() throws InterruptedException {
        assertThat(register("1", true).status()).isEqualTo(202);
        assertThat(register("2", false).status()).isEqualTo(202);
        Readiness.awaitVersionState(client, "canary", "1", "READY");
        Readiness.awaitVersionState(client, "canary", "2", "READY");
    }

    @AfterEach
    void removeCanary() {
        if (registry.serves("canary")) {
            registry.remove("canary", null);
        }
    }

    @Test
    void requestsNamingNoVersionFollowTheWeightsOnEveryProtocol() throws Exception {
        ApiClient.Response split = put("{\"1\": 80, \"2\": 20}");
        assertThat(split.status()).as(split.body()).isEqualTo(200);
        assertThat(client.get("/v1/models/canary/traffic").json().get("weights").toString())
                .isEqualTo("{\"1\":80,\"2\":20}");
        String before = metrics();

        Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
        AtomicInteger left = new AtomicInteger(2_000);
        runClients(() -> left.getAndDecrement() > 0, answers);

        System.out.println("canary split at 80/20: " + answers);
        assertThat(answers.keySet()).as("failed requests: %s", answers).containsOnly("v1", "v2");
        long v1 = answers.get("v1").get();
        long v2 = answers.get("v2").get();
        assertThat(v1 + v2).isEqualTo(2_000);
        assertThat(v2 / 2_000.0)
                .as("version 2's share, weight 20 of 100: %s", answers)
                .isBetween(0.15, 0.25);
        String after = metrics();
        for (String version : new String[] {"1", "2"}) {
            long served = answers.get("v" + version).get();
            assertThat(count(after, "inference_requests_total", "outcome=\"success\",version=\"" + version + "\"")
                            - count(
                                    before,
                                    "inference_requests_total",
                                    "outcome=\"success\",version=\"" + version + "\""))
                    .as("requests counted for version " + version)
                    .isEqualTo(served);
            assertThat(count(
                                    after,
                                    "inference_stage_duration_seconds_count",
                                    "stage=\"inference\",version=\"" + version + "\"")
                            - count(
                                    before,
                                    "inference_stage_duration_seconds_count",
                                    "stage=\"inference\",version=\"" + version + "\""))
                    .as("stage timings of version " + version)
                    .isEqualTo(served);
        }

        assertThat(put("{\"1\": 1, \"2\": 1}").status()).isEqualTo(200);
        Map<String, Integer> oip = new ConcurrentHashMap<>();
        Map<String, Integer> grpc = new ConcurrentHashMap<>();
        String image = Base64.getEncoder().encodeToString(SHAPE);
        byte[] oipRequest = ("{\"inputs\":[{\"name\":\"image\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\""
                        + image + "\"]}]}")
                .getBytes();
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", GRPC_PORT)
                .usePlaintext()
                .build();
        String beforeTorchServe = metrics();
        try {
            var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
            for (int i = 0; i < 40; i++) {
                ApiClient.Response infer = client.post("/v2/models/canary/infer", "application/json", oipRequest);
                assertThat(infer.status()).as(infer.body()).isEqualTo(200);
                oip.merge(infer.json().get("model_version").asString(), 1, Integer::sum);
                String version = stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                        .modelInfer(ModelInferRequest.newBuilder()
                                .setModelName("canary")
                                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                                        .setName("image")
                                        .setDatatype("BYTES")
                                        .addShape(1)
                                        .setContents(InferTensorContents.newBuilder()
                                                .addBytesContents(ByteString.copyFrom(SHAPE))))
                                .build())
                        .getModelVersion();
                grpc.merge(version, 1, Integer::sum);
                assertThat(client.post("/predictions/canary", "image/png", SHAPE)
                                .status())
                        .isEqualTo(200);
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        assertThat(oip).as("Open Inference Protocol, /v2 without a version").containsOnlyKeys("1", "2");
        assertThat(grpc).as("gRPC without a version").containsOnlyKeys("1", "2");
        String afterAll = metrics();
        long torchServe = 0;
        for (String version : new String[] {"1", "2"}) {
            long counted =
                    count(afterAll, "inference_requests_total", "outcome=\"success\",version=\"" + version + "\"")
                            - count(
                                    beforeTorchServe,
                                    "inference_requests_total",
                                    "outcome=\"success\",version=\"" + version + "\"");
            assertThat(counted - oip.get(version) - grpc.get(version))
                    .as("TorchServe's answers (which do not name the version) counted for version " + version)
                    .isPositive();
            torchServe += counted - oip.get(version) - grpc.get(version);
        }
        assertThat(torchServe)
                .as("every /v2, gRPC and TorchServe request counted for the version that served it")
                .isEqualTo(40);

        ApiClient.Response large = put("{\"1\": 1, \"" + "x".repeat(70_000) + "\": 1}");
        assertThat(large.status()).as("management bodies are bounded (64 KB)").isEqualTo(413);
        assertThat(large.json().get("code").asString()).isEqualTo("body_too_large");
        assertThat(put("{\"2\": 1}").status()).isEqualTo(200);
        assertThat(client.post("/v1/models/canary/versions/1/classify", "image/png", SHAPE)
                        .json()
                        .get("version")
                        .asString())
                .as("a request naming its version is not split")
                .isEqualTo("1");
    }

    @Test
    void noRequestFailsWhileWeightsChangeVersionsLoadAndTheOldOneGoes() throws Exception {
        Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> loops = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            loops.add(clients.submit(() -> {
                while (running.get()) {
                    answers.computeIfAbsent(client.classifyVersion(CANARY, "image/png", SHAPE), k -> new AtomicLong())
                            .incrementAndGet();
                }
            }));
        }
        try {
            Readiness.awaitAnswers(answers, "v1", 20);
            assertThat(put("{\"1\": 50, \"2\": 50}").status()).isEqualTo(200);
            Readiness.awaitAnswers(answers, "v2", 20);
            assertThat(put("{\"2\": 100}").status()).isEqualTo(200);
            awaitMore(answers, 40);
            assertThat(client.delete("/v1/models/canary/traffic").status()).isEqualTo(200);
            awaitMore(answers, 40);

            // a weighted version that is still loading: its share goes to the default version, nothing fails
            assertThat(register("3", false).status()).isEqualTo(202);
            assertThat(put("{\"1\": 50, \"3\": 50}").status()).isEqualTo(200);
            awaitMore(answers, 40);
            Readiness.awaitVersionState(client, "canary", "3", "READY");
            Readiness.awaitAnswers(answers, "v3", 20);

            // the recipe's end: everything to the new version, it becomes the default, the old one goes
            assertThat(put("{\"3\": 100}").status()).isEqualTo(200);
            assertThat(client.put("/v1/models/canary/default", "application/json", "{\"version\":\"3\"}".getBytes())
                            .status())
                    .isEqualTo(200);
            assertThat(client.delete("/v1/models/canary/traffic").status()).isEqualTo(200);
            awaitMore(answers, 40);
            assertThat(client.delete("/v1/models/canary/versions/1").status()).isEqualTo(202);
            assertThat(put("{}").status()).isEqualTo(200);
            awaitMore(answers, 40);
        } finally {
            running.set(false);
            clients.shutdown();
            assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        for (Future<?> loop : loops) {
            loop.get(); // a loop that ended by itself would throw here
        }
        System.out.println("canary answers while the routing changed: " + answers);
        assertThat(answers.keySet()).as("failed requests: %s", answers).noneMatch(key -> !key.matches("v[123]"));
        assertThat(answers.keySet()).containsOnly("v1", "v2", "v3");
        assertThat(client.get("/v1/models/canary/traffic")
                        .json()
                        .get("defaultVersion")
                        .asString())
                .isEqualTo("3");
    }

    /** {@code CLIENTS} threads sending while {@code more} says so, each answer recorded by {@link #answer}. */
    private void runClients(Supplier<Boolean> more, Map<String, AtomicLong> answers) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                loops.add(clients.submit(() -> {
                    while (more.get()) {
                        answers.computeIfAbsent(
                                        client.classifyVersion(CANARY, "image/png", SHAPE), k -> new AtomicLong())
                                .incrementAndGet();
                    }
                }));
            }
            for (Future<?> loop : loops) {
                loop.get(5, TimeUnit.MINUTES);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    private ApiClient.Response register(String version, boolean makeDefault) {
        return client.post(
                "/v1/models",
                "application/json",
                ("{\"name\":\"canary\",\"version\":\"" + version + "\",\"location\":\"classpath:models/demo\","
                                + "\"architecture\":\"resnet-demo\",\"workers\":1,\"makeDefault\":" + makeDefault
                                + "}")
                        .getBytes());
    }

    private ApiClient.Response put(String weights) {
        return client.put("/v1/models/canary/traffic", "application/json", weights.getBytes());
    }

    private String metrics() {
        return client.get("/actuator/prometheus").body();
    }

    /** The value of the canary's series of {@code family} with {@code labels} (and the model's), 0 when absent. */
    private static long count(String exposition, String family, String labels) {
        Matcher m = Pattern.compile(
                        "^" + Pattern.quote(family) + "\\{model=\"canary\"," + Pattern.quote(labels) + "} (\\S+)$",
                        Pattern.MULTILINE)
                .matcher(exposition);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    /** Waits for {@code more} answers of any kind. */
    private static void awaitMore(Map<String, AtomicLong> answers, long more) throws InterruptedException {
        long target = total(answers) + more;
        for (int i = 0; i < 1200 && total(answers) < target; i++) {
            Thread.sleep(50); // waits for answers; nothing is timed
        }
        assertThat(total(answers)).as("answers %s", answers).isGreaterThanOrEqualTo(target);
    }

    private static long total(Map<String, AtomicLong> answers) {
        return answers.values().stream().mapToLong(AtomicLong::get).sum();
    }
}
