package dev.resnetserve.api.oip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.resnetserve.api.RunningServiceTest;
import dev.resnetserve.preprocess.ImageDecoder;
import dev.resnetserve.preprocess.ImageLimits;
import dev.resnetserve.preprocess.PreprocessingSpec;
import dev.resnetserve.preprocess.Preprocessor;
import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Fixtures;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Open Inference Protocol endpoints against the running service: every request sent and every answer received
 * is checked against the JSON Schemas written from the specification, and every answer against what {@code /v1}
 * gives for the same image on the same predictor pool.
 */
class OpenInferenceProtocolTest extends RunningServiceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CAT = "parity/chelsea-small.jpg";
    private static final String COFFEE = "parity/coffee-wide.jpg";

    private final OipSchemas schemas = new OipSchemas();

    @Test
    void serverMetadataAndHealth() {
        JsonNode server = schemas.assertValid(
                "metadata_server_response", client.get("/v2").json());
        assertThat(server.get("name").asString()).isEqualTo("resnet-serve");
        assertThat(server.get("extensions").toString()).contains("classification", "binary_tensor_data");

        ApiClient.Response live = client.get("/v2/health/live");
        assertThat(live.status()).isEqualTo(200);
        assertThat(schemas.assertValid("health_response", live.json())
                        .get("live")
                        .asBoolean())
                .isTrue();
        ApiClient.Response ready = client.get("/v2/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("ready").asBoolean()).isTrue();
    }

    @Test
    void modelMetadataDescribesInputsOutputsAndVersions() {
        int classes = client.get("/v1/models/parity").json().get("labels").asInt();

        for (String path : List.of("/v2/models/parity", "/v2/models/parity/versions/1")) {
            JsonNode metadata = schemas.assertValid(
                    "metadata_model_response", client.get(path).json());
            assertThat(metadata.get("name").asString()).isEqualTo("parity");
            assertThat(metadata.get("platform").asString()).isEqualTo("pytorch_torchscript");
            assertThat(metadata.get("versions").toString()).isEqualTo("[\"1\"]");
            assertThat(metadata.get("inputs").toString())
                    .contains("{\"name\":\"image\",\"datatype\":\"BYTES\",\"shape\":[-1]}")
                    .contains("{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[-1,3,224,224]}");
            assertThat(metadata.get("outputs").toString())
                    .isEqualTo("[{\"name\":\"probabilities\",\"datatype\":\"FP32\",\"shape\":[-1," + classes + "]}]");
        }
        assertThat(client.get("/v2/models/parity/ready").status()).isEqualTo(200);
        assertThat(client.get("/v2/models/parity/versions/1/ready")
                        .json()
                        .get("ready")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void base64ImagesInOneRequestGetTheSameProbabilitiesAsV1() {
        ObjectNode request = request(
                "batch-7", "image", "BYTES", new long[] {2}, base64Array(Fixtures.bytes(CAT), Fixtures.bytes(COFFEE)));

        JsonNode response = infer("parity", request);

        assertThat(response.get("id").asString()).isEqualTo("batch-7");
        assertThat(response.get("model_name").asString()).isEqualTo("parity");
        assertThat(response.get("model_version").asString()).isEqualTo("1");
        JsonNode output = response.get("outputs").get(0);
        assertThat(output.get("name").asString()).isEqualTo("probabilities");
        assertThat(output.get("datatype").asString()).isEqualTo("FP32");
        int classes = output.get("shape").get(1).asInt();
        assertThat(output.get("shape").get(0).asInt()).isEqualTo(2);
        assertRowMatchesV1(output.get("data"), 0, classes, CAT);
        assertRowMatchesV1(output.get("data"), 1, classes, COFFEE);
    }

    @Test
    void classificationExtensionGivesTopKStrings() {
        ObjectNode request = request(null, "image", "BYTES", new long[] {1}, base64Array(Fixtures.bytes(CAT)));
        request.putArray("outputs")
                .addObject()
                .put("name", "probabilities")
                .putObject("parameters")
                .put("classification", 3);

        JsonNode output = infer("parity", request).get("outputs").get(0);

        assertThat(output.get("datatype").asString()).isEqualTo("BYTES");
        assertThat(output.get("shape").toString()).isEqualTo("[1,3]");
        JsonNode v1 = client.post("/v1/models/parity/classify?topK=3", "image/jpeg", Fixtures.bytes(CAT))
                .json();
        for (int i = 0; i < 3; i++) {
            String[] parts = output.get("data").get(i).asString().split(":", 3);
            JsonNode expected = v1.get("predictions").get(i);
            assertThat(Double.parseDouble(parts[0]))
                    .isCloseTo(expected.get("probability").asDouble(), within(1e-5));
            assertThat(Integer.parseInt(parts[1]))
                    .isEqualTo(expected.get("index").asInt());
            assertThat(parts[2]).isEqualTo(expected.get("label").asString());
        }
    }

    @Test
    void preprocessedFp32TensorsNestedAsJson() {
        // the demo model's input (3x160x160) keeps the nested JSON under the test profile's 1 MB body limit
        byte[] image = Fixtures.bytes("shapes-pil/002-triangle.png");
        float[] tensor = preprocess(image, client.get("/v1/models/demo").json());
        int side = Fixtures.DEMO_INPUT;
        ArrayNode nested = JSON.createArrayNode();
        ArrayNode batch = nested.addArray();
        for (int c = 0; c < 3; c++) {
            ArrayNode channel = batch.addArray();
            for (int y = 0; y < side; y++) {
                ArrayNode row = channel.addArray();
                for (int x = 0; x < side; x++) {
                    row.add(tensor[(c * side + y) * side + x]);
                }
            }
        }

        JsonNode output = infer("demo", request(null, "input", "FP32", new long[] {1, 3, side, side}, nested))
                .get("outputs")
                .get(0);

        JsonNode v1 = client.post("/v1/models/demo/classify?topK=1", "image/png", image)
                .json();
        int top = v1.get("predictions").get(0).get("index").asInt();
        assertThat(output.get("data").get(top).asDouble())
                .isCloseTo(v1.get("predictions").get(0).get("probability").asDouble(), within(1e-5));
    }

    @Test
    void binaryTensorExtensionInAndOut() {
        byte[] cat = Fixtures.bytes(CAT);
        byte[] elements = ByteBuffer.allocate(4 + cat.length)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(cat.length)
                .put(cat)
                .array();
        ObjectNode header = JSON.createObjectNode();
        ObjectNode input = header.putArray("inputs").addObject();
        input.put("name", "image").put("datatype", "BYTES").putArray("shape").add(1);
        input.putObject("parameters").put("binary_data_size", elements.length);
        header.putArray("outputs")
                .addObject()
                .put("name", "probabilities")
                .putObject("parameters")
                .put("binary_data", true);
        schemas.assertValid("inference_request", header);
        byte[] json = JSON.writeValueAsBytes(header);

        HttpResponse<byte[]> response = client.postForBytes(
                "/v2/models/parity/infer",
                Map.of(
                        "Content-Type",
                        "application/octet-stream",
                        "Inference-Header-Content-Length",
                        Integer.toString(json.length)),
                concat(json, elements));

        assertThat(response.statusCode()).isEqualTo(200);
        int jsonLength = Integer.parseInt(
                response.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
        JsonNode answer = schemas.assertValid(
                "inference_response", JSON.readTree(Arrays.copyOfRange(response.body(), 0, jsonLength)));
        JsonNode output = answer.get("outputs").get(0);
        int classes = output.get("shape").get(1).asInt();
        assertThat(output.has("data")).isFalse();
        assertThat(output.get("parameters").get("binary_data_size").asInt())
                .isEqualTo(classes * 4)
                .isEqualTo(response.body().length - jsonLength);
        float[] probabilities = new float[classes];
        ByteBuffer.wrap(response.body(), jsonLength, classes * 4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .get(probabilities);
        JsonNode v1 = client.post("/v1/models/parity/classify?topK=1", "image/jpeg", cat)
                .json();
        assertThat((double)
                        probabilities[v1.get("predictions").get(0).get("index").asInt()])
                .isCloseTo(v1.get("predictions").get(0).get("probability").asDouble(), within(1e-5));
    }

    @Test
    void errorsAreTheProtocolsErrorObject() {
        String cat = Base64.getEncoder().encodeToString(Fixtures.bytes(CAT));
        assertError(
                post("/v2/models/nope/infer", request(null, "image", "BYTES", new long[] {1}, array(cat))),
                404,
                "nope");
        assertError(client.get("/v2/models/parity/versions/9"), 404, "version '9'");
        assertError(
                post(
                        "/v2/models/parity/infer",
                        request(
                                null,
                                "image",
                                "INT64",
                                new long[] {1},
                                JSON.createArrayNode().add(1))),
                400,
                "INT64");
        assertError(
                post("/v2/models/parity/infer", request(null, "image", "BYTES", new long[] {2}, array(cat))),
                400,
                "holds 2 elements but the data has 1");
        assertError(
                post(
                        "/v2/models/parity/infer",
                        request(
                                null,
                                "image",
                                "BYTES",
                                new long[] {1},
                                array(Base64.getEncoder().encodeToString("not an image".getBytes())))),
                400,
                "not an image");
        assertError(
                post(
                        "/v2/models/parity/infer",
                        request(null, "image", "BYTES", new long[] {1}, array("%%% not base64 %%%"))),
                400,
                "not valid base64");
        assertError(
                post(
                        "/v2/models/parity/infer",
                        request(
                                null,
                                "input",
                                "FP32",
                                new long[] {1, 3, 8, 8},
                                JSON.createArrayNode().add(0.5))),
                400,
                "[N,3,224,224]");
        ObjectNode unknownOutput = request(null, "image", "BYTES", new long[] {1}, array(cat));
        unknownOutput.putArray("outputs").addObject().put("name", "logits");
        assertError(post("/v2/models/parity/infer", unknownOutput), 400, "no output 'logits'");
        assertError(
                client.post("/v2/models/parity/infer", "application/json", "{\"inputs\": [".getBytes()),
                400,
                "not valid JSON");
        assertError(
                client.post("/v2/models/parity/infer", "application/json", "{\"inputs\": []}".getBytes()),
                400,
                "non-empty");
        // a dimension beyond 64 bits (a fuzzing finding: Jackson 3 throws instead of truncating)
        assertError(
                client.post(
                        "/v2/models/parity/infer",
                        "application/json",
                        ("{\"inputs\": [{\"name\": \"image\","
                                        + "\"datatype\": \"BYTES\", \"shape\": [10000175390185488150982], \"data\": []}]}")
                                .getBytes()),
                400,
                "shape");
        // FP32 data beyond the FP32 range (a fuzzing finding, as above)
        assertError(
                post(
                        "/v2/models/parity/infer",
                        request(
                                null,
                                "input",
                                "FP32",
                                new long[] {1, 3, 224, 224},
                                JSON.createArrayNode().add(1.1e104))),
                400,
                "beyond the FP32 range");
    }

    @Test
    void outputsAndParametersAreBoundedBeforeAnyWork() {
        String cat = Base64.getEncoder().encodeToString(Fixtures.bytes(CAT));
        ObjectNode many = request(null, "image", "BYTES", new long[] {1}, array(cat));
        ArrayNode outputs = many.putArray("outputs");
        // inside the test profile's 1 MB body limit; 200,000 at the shipped limits: HostileInputAtShippedLimitsTest
        for (int i = 0; i < 20_000; i++) {
            outputs.addObject().put("name", "probabilities");
        }
        ApiClient.Response manyOutputs =
                client.post("/v2/models/parity/infer", "application/json", JSON.writeValueAsBytes(many));
        assertError(manyOutputs, 400, "at most 8");
        assertThat(manyOutputs.body().length()).as("a small answer").isLessThan(1_000);

        ObjectNode twice = request(null, "image", "BYTES", new long[] {1}, array(cat));
        twice.putArray("outputs")
                .add(JSON.createObjectNode().put("name", "probabilities"))
                .add(JSON.createObjectNode().put("name", "probabilities"));
        assertError(post("/v2/models/parity/infer", twice), 400, "asked for twice");

        ObjectNode unknownBeforeDecoding = request(
                null,
                "image",
                "BYTES",
                new long[] {1},
                array(Base64.getEncoder().encodeToString("not an image".getBytes())));
        unknownBeforeDecoding.putArray("outputs").addObject().put("name", "logits");
        assertError(post("/v2/models/parity/infer", unknownBeforeDecoding), 400, "no output 'logits'");

        ObjectNode tooManyParameters = request(null, "image", "BYTES", new long[] {1}, array(cat));
        ObjectNode parameters = tooManyParameters.putObject("parameters");
        for (int i = 0; i < 33; i++) {
            parameters.put("p" + i, i);
        }
        assertError(post("/v2/models/parity/infer", tooManyParameters), 400, "at most 32");
        ObjectNode nested = request(null, "image", "BYTES", new long[] {1}, array(cat));
        nested.putObject("parameters").putArray("deep").add(1);
        assertError(
                client.post("/v2/models/parity/infer", "application/json", JSON.writeValueAsBytes(nested)),
                400,
                "numbers, booleans and strings");
        assertError(
                post(
                        "/v2/models/parity/infer",
                        request("x".repeat(1025), "image", "BYTES", new long[] {1}, array(cat))),
                400,
                "longer than 1024");
    }

    @Test
    void inferRequestsAreCountedByOutcomeLikeV1() {
        String success = "inference_requests_total{model=\"parity\",outcome=\"success\",version=\"1\"}";
        String badRequest = "inference_requests_total{model=\"parity\",outcome=\"bad_request\",version=\"1\"}";
        double successes = metric(success);
        double badRequests = metric(badRequest);

        infer("parity", request(null, "image", "BYTES", new long[] {1}, base64Array(Fixtures.bytes(CAT))));
        post(
                "/v2/models/parity/infer",
                request(
                        null,
                        "image",
                        "INT64",
                        new long[] {1},
                        JSON.createArrayNode().add(1)));

        assertThat(metric(success)).isEqualTo(successes + 1);
        assertThat(metric(badRequest)).isEqualTo(badRequests + 1);
    }

    private double metric(String series) {
        return client.get("/actuator/prometheus")
                .body()
                .lines()
                .filter(line -> line.startsWith(series + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1)))
                .findFirst()
                .orElse(0);
    }

    @Test
    void anUnknownModelIsNotReadyAndNotFound() {
        assertError(client.get("/v2/models/nope/ready"), 404, "nope");
        assertError(client.get("/v2/models/nope"), 404, "nope");
    }

    private void assertRowMatchesV1(JsonNode data, int row, int classes, String image) {
        JsonNode v1 = client.post("/v1/models/parity/classify?topK=5", "image/jpeg", Fixtures.bytes(image))
                .json();
        for (JsonNode prediction : v1.get("predictions")) {
            assertThat(data.get(row * classes + prediction.get("index").asInt()).asDouble())
                    .isCloseTo(prediction.get("probability").asDouble(), within(1e-5));
        }
    }

    private JsonNode infer(String model, ObjectNode request) {
        ApiClient.Response response = post("/v2/models/" + model + "/infer", request);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return schemas.assertValid("inference_response", response.json());
    }

    private ApiClient.Response post(String path, ObjectNode request) {
        schemas.assertValid("inference_request", request);
        return client.post(path, "application/json", JSON.writeValueAsBytes(request));
    }

    private void assertError(ApiClient.Response response, int status, String mentioning) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        JsonNode error = schemas.assertValid("error_response", response.json());
        assertThat(error.get("error").asString()).contains(mentioning);
    }

    private static ObjectNode request(String id, String input, String datatype, long[] shape, ArrayNode data) {
        ObjectNode request = JSON.createObjectNode();
        if (id != null) {
            request.put("id", id);
        }
        ObjectNode tensor = request.putArray("inputs").addObject();
        tensor.put("name", input).put("datatype", datatype);
        ArrayNode dims = tensor.putArray("shape");
        Arrays.stream(shape).forEach(dims::add);
        tensor.set("data", data);
        return request;
    }

    private static ArrayNode base64Array(byte[]... images) {
        ArrayNode array = JSON.createArrayNode();
        for (byte[] image : images) {
            array.add(Base64.getEncoder().encodeToString(image));
        }
        return array;
    }

    private static ArrayNode array(String value) {
        return JSON.createArrayNode().add(value);
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

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
