package dev.resnetserve.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ByteString;
import dev.resnetserve.api.RunningServiceTest;
import dev.resnetserve.api.grpc.proto.GRPCInferenceServiceGrpc;
import dev.resnetserve.api.grpc.proto.InferParameter;
import dev.resnetserve.api.grpc.proto.InferTensorContents;
import dev.resnetserve.api.grpc.proto.ModelInferRequest;
import dev.resnetserve.api.grpc.proto.ModelInferResponse;
import dev.resnetserve.api.grpc.proto.ModelMetadataRequest;
import dev.resnetserve.api.grpc.proto.ModelMetadataResponse;
import dev.resnetserve.api.grpc.proto.ModelReadyRequest;
import dev.resnetserve.api.grpc.proto.ServerLiveRequest;
import dev.resnetserve.api.grpc.proto.ServerMetadataRequest;
import dev.resnetserve.api.grpc.proto.ServerReadyRequest;
import dev.resnetserve.preprocess.ImageDecoder;
import dev.resnetserve.preprocess.ImageLimits;
import dev.resnetserve.preprocess.PreprocessingSpec;
import dev.resnetserve.preprocess.Preprocessor;
import dev.resnetserve.support.Fixtures;
import dev.resnetserve.support.Ports;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Open Inference Protocol over gRPC against the running service, with grpc-java's own client on a free port:
 * a JPEG and a PNG classified as {@code /v2} classifies them, FP32 tensors, the classification extension, raw
 * contents, metadata, health and each error's status code.
 */
class GrpcInferenceTest extends RunningServiceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CAT_JPEG = "parity/chelsea-small.jpg";
    private static final String ASTRONAUT_PNG = "parity/astronaut.png";
    private static final int GRPC_PORT = Ports.free();

    private static ManagedChannel channel;
    private static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub;

    @DynamicPropertySource
    static void grpcPort(DynamicPropertyRegistry properties) {
        properties.add("resnet.grpc.port", () -> GRPC_PORT);
    }

    @BeforeAll
    static void connect() {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", GRPC_PORT)
                .usePlaintext()
                .maxInboundMessageSize(8 << 20)
                .build();
        stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub call() {
        return stub.withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @Test
    void jpegAndPngClassifyAsTheRestProtocolDoes() {
        for (String image : List.of(CAT_JPEG, ASTRONAUT_PNG)) {
            byte[] bytes = Fixtures.bytes(image);
            ModelInferResponse response = call().modelInfer(ModelInferRequest.newBuilder()
                    .setModelName("parity")
                    .setId("grpc-1")
                    .addInputs(imageInput(1)
                            .setContents(InferTensorContents.newBuilder().addBytesContents(ByteString.copyFrom(bytes))))
                    .build());

            assertThat(response.getModelName()).isEqualTo("parity");
            assertThat(response.getModelVersion()).isEqualTo("1");
            assertThat(response.getId()).isEqualTo("grpc-1");
            ModelInferResponse.InferOutputTensor output = response.getOutputs(0);
            assertThat(output.getName()).isEqualTo("probabilities");
            assertThat(output.getDatatype()).isEqualTo("FP32");
            JsonNode rest = restInfer("parity", bytes, null).get("outputs").get(0);
            assertThat(output.getShapeList())
                    .containsExactly(
                            rest.get("shape").get(0).asLong(),
                            rest.get("shape").get(1).asLong());
            List<Float> probabilities = output.getContents().getFp32ContentsList();
            assertThat(probabilities).hasSize(rest.get("data").size());
            for (int i = 0; i < probabilities.size(); i++) {
                assertThat((double) probabilities.get(i))
                        .as("%s class %d", image, i)
                        .isCloseTo(rest.get("data").get(i).asDouble(), within(1e-6));
            }
        }
    }

    @Test
    void rawContentsWithTheClassificationExtension() {
        byte[] png = Fixtures.bytes(ASTRONAUT_PNG);
        byte[] jpeg = Fixtures.bytes(CAT_JPEG);
        ByteBuffer raw = ByteBuffer.allocate(8 + png.length + jpeg.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.putInt(png.length).put(png).putInt(jpeg.length).put(jpeg);
        ModelInferResponse response = call().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("parity")
                .addInputs(imageInput(2))
                .addRawInputContents(ByteString.copyFrom(raw.array()))
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                        .setName("probabilities")
                        .putParameters(
                                "classification",
                                InferParameter.newBuilder().setInt64Param(3).build()))
                .build());

        ModelInferResponse.InferOutputTensor output = response.getOutputs(0);
        assertThat(output.getDatatype()).isEqualTo("BYTES");
        assertThat(output.getShapeList()).containsExactly(2L, 3L);
        assertThat(output.hasContents()).as("raw in, raw out").isFalse();
        ByteBuffer answer =
                response.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        List<String> entries = new java.util.ArrayList<>();
        while (answer.hasRemaining()) {
            byte[] entry = new byte[answer.getInt()];
            answer.get(entry);
            entries.add(new String(entry, java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(entries).hasSize(6);
        JsonNode pngRest = restInfer("parity", png, 3).get("outputs").get(0).get("data");
        JsonNode jpegRest = restInfer("parity", jpeg, 3).get("outputs").get(0).get("data");
        for (int i = 0; i < 3; i++) {
            assertThat(entries.get(i)).isEqualTo(pngRest.get(i).asString());
            assertThat(entries.get(3 + i)).isEqualTo(jpegRest.get(i).asString());
        }
    }

    @Test
    void preprocessedFp32Tensors() {
        byte[] image = Fixtures.bytes("shapes-pil/002-triangle.png");
        float[] tensor = preprocess(image, client.get("/v1/models/demo").json());
        JsonNode v1 = client.post("/v1/models/demo/classify?topK=1", "image/png", image)
                .json();
        int top = v1.get("predictions").get(0).get("index").asInt();
        double expected = v1.get("predictions").get(0).get("probability").asDouble();

        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        for (float value : tensor) {
            contents.addFp32Contents(value);
        }
        ModelInferResponse typed = call().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("demo")
                .addInputs(tensorInput().setContents(contents))
                .build());
        assertThat((double) typed.getOutputs(0).getContents().getFp32Contents(top))
                .isCloseTo(expected, within(1e-5));

        ByteBuffer raw = ByteBuffer.allocate(tensor.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(tensor);
        ModelInferResponse rawAnswer = call().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("demo")
                .addInputs(tensorInput())
                .addRawInputContents(ByteString.copyFrom(raw.array()))
                .build());
        float[] probabilities = new float
                [rawAnswer.getOutputs(0).getShape(1) > 0
                        ? (int) rawAnswer.getOutputs(0).getShape(1)
                        : 0];
        rawAnswer
                .getRawOutputContents(0)
                .asReadOnlyByteBuffer()
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .get(probabilities);
        assertThat((double) probabilities[top]).isCloseTo(expected, within(1e-5));
    }

    @Test
    void healthMetadataAndReadiness() {
        assertThat(call().serverLive(ServerLiveRequest.getDefaultInstance()).getLive())
                .isTrue();
        assertThat(call().serverReady(ServerReadyRequest.getDefaultInstance()).getReady())
                .isTrue();
        assertThat(call().modelReady(
                                ModelReadyRequest.newBuilder().setName("parity").build())
                        .getReady())
                .isTrue();
        assertThat(call().serverMetadata(ServerMetadataRequest.getDefaultInstance())
                        .getExtensionsList())
                .contains("classification");
        ModelMetadataResponse metadata = call().modelMetadata(
                        ModelMetadataRequest.newBuilder().setName("demo").build());
        assertThat(metadata.getVersionsList()).containsExactly("1");
        assertThat(metadata.getInputsList())
                .extracting(ModelMetadataResponse.TensorMetadata::getName)
                .containsExactly("image", "input");
        assertThat(metadata.getInputs(1).getShapeList())
                .containsExactly(-1L, 3L, (long) Fixtures.DEMO_INPUT, (long) Fixtures.DEMO_INPUT);
        assertThat(metadata.getOutputs(0).getName()).isEqualTo("probabilities");

        HealthGrpc.HealthBlockingStub health =
                HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        for (String service : List.of("", "inference.GRPCInferenceService")) {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); // readiness is polled once a second
            HealthCheckResponse.ServingStatus status;
            do {
                status = health.check(HealthCheckRequest.newBuilder()
                                .setService(service)
                                .build())
                        .getStatus();
            } while (status != HealthCheckResponse.ServingStatus.SERVING && System.nanoTime() < until);
            assertThat(status).as("health of '%s'", service).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        }
    }

    @Test
    void unknownModelIsNotFound() {
        assertStatus(
                () -> call().modelInfer(ModelInferRequest.newBuilder()
                        .setModelName("no-such-model")
                        .addInputs(imageInput(1)
                                .setContents(InferTensorContents.newBuilder()
                                        .addBytesContents(ByteString.copyFrom(Fixtures.bytes(CAT_JPEG)))))
                        .build()),
                Status.Code.NOT_FOUND,
                "no-such-model");
        assertStatus(
                () -> call().modelMetadata(ModelMetadataRequest.newBuilder()
                        .setName("no-such-model")
                        .build()),
                Status.Code.NOT_FOUND,
                "no-such-model");
    }

    @Test
    void badRequestsAreInvalidArgument() {
        assertStatus(
                () -> call().modelInfer(ModelInferRequest.newBuilder()
                        .setModelName("parity")
                        .addInputs(imageInput(1)
                                .setContents(InferTensorContents.newBuilder()
                                        .addBytesContents(ByteString.copyFromUtf8("not an image at all"))))
                        .build()),
                Status.Code.INVALID_ARGUMENT,
                "image");
        assertStatus(
                () -> call().modelInfer(ModelInferRequest.newBuilder()
                        .setModelName("parity")
                        .addInputs(imageInput(2)
                                .setContents(InferTensorContents.newBuilder()
                                        .addBytesContents(ByteString.copyFrom(Fixtures.bytes(CAT_JPEG)))))
                        .build()),
                Status.Code.INVALID_ARGUMENT,
                "shape");
        assertStatus(
                () -> call().modelInfer(ModelInferRequest.newBuilder()
                        .setModelName("parity")
                        .addInputs(imageInput(1))
                        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                                .setName("logits"))
                        .addRawInputContents(ByteString.copyFrom(new byte[] {1, 0, 0, 0, 7}))
                        .build()),
                Status.Code.INVALID_ARGUMENT,
                "logits");
    }

    @Test
    void tooLargeIsResourceExhausted() {
        // over the test profile's 1 MB resnet.limits.max-body-size and the message's own fields
        byte[] large = new byte[(1 << 20) + 128 * 1024];
        assertStatus(
                () -> call().modelInfer(ModelInferRequest.newBuilder()
                        .setModelName("parity")
                        .addInputs(imageInput(1)
                                .setContents(
                                        InferTensorContents.newBuilder().addBytesContents(ByteString.copyFrom(large))))
                        .build()),
                Status.Code.RESOURCE_EXHAUSTED,
                "");
        // an image header declaring more pixels than resnet.limits.max-pixels (4,000,000 in the test profile)
        assertStatus(
                () -> call().modelInfer(ModelInferRequest.newBuilder()
                        .setModelName("parity")
                        .addInputs(imageInput(1)
                                .setContents(InferTensorContents.newBuilder()
                                        .addBytesContents(ByteString.copyFrom(Fixtures.pngDeclaring(4000, 4000)))))
                        .build()),
                Status.Code.RESOURCE_EXHAUSTED,
                "pixels");
    }

    @Test
    void errorsCarryTheirCodeAndRequestsAreCounted() {
        StatusRuntimeException missing = catchStatus(() -> call().modelReady(
                        ModelReadyRequest.newBuilder().setName("no-such-model").build()));
        assertThat(missing.getTrailers().get(GrpcErrors.ERROR_CODE)).isEqualTo("model_not_found");
        assertThat(StatusProto.fromThrowable(missing)).isNotNull();

        call().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("demo")
                .addInputs(imageInput(1)
                        .setContents(InferTensorContents.newBuilder()
                                .addBytesContents(ByteString.copyFrom(Fixtures.bytes("shapes-pil/002-triangle.png")))))
                .build());
        assertThat(client.get("/actuator/prometheus").body())
                .contains("inference_requests_total{model=\"demo\",outcome=\"success\",version=\"1\"}");
    }

    private static ModelInferRequest.InferInputTensor.Builder imageInput(long n) {
        return ModelInferRequest.InferInputTensor.newBuilder()
                .setName("image")
                .setDatatype("BYTES")
                .addShape(n);
    }

    private static ModelInferRequest.InferInputTensor.Builder tensorInput() {
        return ModelInferRequest.InferInputTensor.newBuilder()
                .setName("input")
                .setDatatype("FP32")
                .addAllShape(List.of(1L, 3L, (long) Fixtures.DEMO_INPUT, (long) Fixtures.DEMO_INPUT));
    }

    /**
     * A Python client (Debian's python3-grpcio) with stubs generated from the project's proto by Debian's
     * grpc_tools: the proto is the specification's, so any OIP client works. It classifies a JPEG and a PNG with the
     * classification extension (the same strings /v2 answers) and sees NOT_FOUND and INVALID_ARGUMENT.
     */
    @Test
    void aPythonClientWithStubsFromTheProjectsProtoClassifiesAndSeesTheErrors(@TempDir Path dir) throws Exception {
        Path stubs = Files.createDirectories(dir.resolve("stubs"));
        run(
                null,
                "/usr/bin/python3",
                "-m",
                "grpc_tools.protoc",
                "-Isrc/main/proto",
                "--python_out=" + stubs,
                "--grpc_python_out=" + stubs,
                "grpc_predict_v2.proto");
        Path jpeg = Files.write(dir.resolve("cat.jpg"), Fixtures.bytes(CAT_JPEG));
        Path png = Files.write(dir.resolve("astronaut.png"), Fixtures.bytes(ASTRONAUT_PNG));

        List<JsonNode> lines = run(
                        stubs,
                        "/usr/bin/python3",
                        "scripts/grpc-client.py",
                        "127.0.0.1:" + GRPC_PORT,
                        "parity",
                        jpeg.toString(),
                        png.toString(),
                        "--top",
                        "3")
                .lines()
                .map(JSON::readTree)
                .toList();

        assertThat(lines).hasSize(5);
        assertThat(lines.get(0).get("live").asBoolean()).isTrue();
        assertThat(lines.get(0).get("ready").asBoolean()).isTrue();
        for (int i = 0; i < 2; i++) {
            JsonNode answer = lines.get(1 + i);
            byte[] image = Fixtures.bytes(i == 0 ? CAT_JPEG : ASTRONAUT_PNG);
            JsonNode rest = restInfer("parity", image, 3).get("outputs").get(0).get("data");
            assertThat(answer.get("datatype").asString()).isEqualTo("BYTES");
            assertThat(answer.get("top").values().stream().map(JsonNode::asString))
                    .as(answer.toString())
                    .containsExactlyElementsOf(
                            rest.values().stream().map(JsonNode::asString).toList());
        }
        assertThat(lines.get(3).get("status").asString()).isEqualTo("NOT_FOUND");
        assertThat(lines.get(4).get("status").asString()).isEqualTo("INVALID_ARGUMENT");
    }

    /** Runs a command in the project directory, PYTHONPATH as given; its standard output, or a failure. */
    private static String run(Path pythonPath, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
        if (pythonPath != null) {
            builder.environment().put("PYTHONPATH", pythonPath.toString());
        }
        Process process = builder.start();
        byte[] stdout = process.getInputStream().readAllBytes();
        byte[] stderr = process.getErrorStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue())
                .as(String.join(" ", command) + ": " + new String(stderr, java.nio.charset.StandardCharsets.UTF_8))
                .isZero();
        return new String(stdout, java.nio.charset.StandardCharsets.UTF_8);
    }

    private JsonNode restInfer(String model, byte[] image, Integer classification) {
        ObjectNode request = JSON.createObjectNode();
        ObjectNode input = request.putArray("inputs").addObject();
        input.put("name", "image").put("datatype", "BYTES").putArray("shape").add(1);
        input.putArray("data").add(Base64.getEncoder().encodeToString(image));
        if (classification != null) {
            request.putArray("outputs")
                    .addObject()
                    .put("name", "probabilities")
                    .putObject("parameters")
                    .put("classification", classification);
        }
        return client.post("/v2/models/" + model + "/infer", "application/json", JSON.writeValueAsBytes(request))
                .json();
    }

    private static void assertStatus(Runnable call, Status.Code code, String mentioning) {
        StatusRuntimeException e = catchStatus(call);
        assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
        assertThat(e.getStatus().getDescription()).contains(mentioning);
    }

    private static StatusRuntimeException catchStatus(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("the call succeeded");
    }

    /** The model's own preprocessing, as /v1/models describes it, done by the client. */
    private static float[] preprocess(byte[] image, JsonNode model) {
        JsonNode p = model.get("preprocessing");
        PreprocessingSpec spec = p.get("mode").asString().equals("pad")
                ? PreprocessingSpec.wholeImage(p.get("width").asInt())
                : PreprocessingSpec.imagenet();
        return new Preprocessor()
                .toTensor(
                        new ImageDecoder(new ImageLimits(40_000_000, 65_500))
                                .decode(image, spec.alpha(), spec.background()),
                        spec);
    }
}
