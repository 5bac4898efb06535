package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * ONNX models on ONNX Runtime, served beside the TorchScript parity model: the same weights exported both ways
 * (scripts/make-test-fixtures.py) must answer PyTorch's reference probabilities within 1e-4 over /v1 and /v2, and a
 * graph whose batch dimension is fixed to 1 must serve concurrent requests (that would form batches) one at a time.
 */
@TestPropertySource(
        properties = {
            "resnet.models.parity-onnx.location=classpath:fixtures/parity/model.onnx",
            "resnet.models.parity-onnx.labels=classpath:fixtures/parity/labels.txt",
            "resnet.models.parity-onnx.preprocessing=imagenet",
            "resnet.models.parity-onnx.workers=2",
            "resnet.models.parity-onnx.batch.max-size=4",
            "resnet.models.parity-onnx.batch.max-delay=2ms",
            "resnet.models.batch1.location=classpath:fixtures/parity/model-batch1.onnx",
            "resnet.models.batch1.labels=classpath:fixtures/parity/labels.txt",
            "resnet.models.batch1.preprocessing=imagenet",
            "resnet.models.batch1.workers=1",
            "resnet.models.batch1.batch.max-size=4",
            "resnet.models.batch1.batch.max-delay=20ms",
        })
class OnnxModelTest extends RunningServiceTest {

    static final String[] PARITY_IMAGES = Fixtures.PARITY_IMAGES;
    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @FieldSource("PARITY_IMAGES")
    void torchScriptAndOnnxOfTheSameWeightsAnswerPyTorchsProbabilitiesOverV1(String image) {
        JsonNode expected = Fixtures.json("parity/expected.json").get(image).get("drop");
        int classes = expected.get("probabilities").size();
        for (String model : List.of("parity", "parity-onnx")) {
            ApiClient.Response response = client.post(
                    "/v1/models/" + model + "/classify?topK=" + classes,
                    contentType(image),
                    Fixtures.bytes("parity/" + image));

            assertThat(response.status()).as(model).isEqualTo(200);
            JsonNode predictions = response.json().get("predictions");
            assertThat(predictions.size()).isEqualTo(classes);
            for (JsonNode p : predictions) {
                int index = p.get("index").asInt();
                assertThat(p.get("probability").asDouble())
                        .as("%s: probability of class %d", model, index)
                        .isCloseTo(expected.get("probabilities").get(index).asDouble(), within(TOLERANCE));
            }
            assertThat(predictions.get(0).get("index").asInt())
                    .isEqualTo(expected.get("top5").get(0).asInt());
        }
    }

    @Test
    void torchScriptAndOnnxAnswerPyTorchsProbabilitiesOverV2InOneBatch() {
        String[] images = {"chelsea.jpg", "astronaut.png", "coffee-wide.jpg"};
        StringBuilder data = new StringBuilder();
        for (String image : images) {
            data.append(data.isEmpty() ? "" : ",")
                    .append('"')
                    .append(Base64.getEncoder().encodeToString(Fixtures.bytes("parity/" + image)))
                    .append('"');
        }
        String request = "{\"inputs\":[{\"name\":\"image\",\"datatype\":\"BYTES\",\"shape\":[" + images.length
                + "],\"data\":[" + data + "]}]}";
        for (String model : List.of("parity", "parity-onnx")) {
            ApiClient.Response response = client.post(
                    "/v2/models/" + model + "/infer", "application/json", request.getBytes(StandardCharsets.UTF_8));

            assertThat(response.status()).as(model).isEqualTo(200);
            JsonNode output = response.json().get("outputs").get(0);
            assertThat(output.get("name").asString()).isEqualTo("probabilities");
            int classes = output.get("shape").get(1).asInt();
            JsonNode values = output.get("data");
            for (int i = 0; i < images.length; i++) {
                JsonNode expected = Fixtures.json("parity/expected.json")
                        .get(images[i])
                        .get("drop")
                        .get("probabilities");
                for (int c = 0; c < classes; c++) {
                    assertThat(values.get(i * classes + c).asDouble())
                            .as("%s, %s, class %d", model, images[i], c)
                            .isCloseTo(expected.get(c).asDouble(), within(TOLERANCE));
                }
            }
        }
    }

    @Test
    void modelsSayWhichEngineRunsThem() {
        JsonNode onnx = client.get("/v1/models/parity-onnx").json();
        JsonNode torchScript = client.get("/v1/models/parity").json();

        assertThat(onnx.get("format").asString()).isEqualTo("ONNX");
        assertThat(onnx.get("engine").asString()).isEqualTo("OnnxRuntime");
        assertThat(onnx.get("batchMaxSize").asInt()).isEqualTo(4);
        assertThat(onnx.has("fixedBatchSize"))
                .as("a dynamic batch axis fixes nothing")
                .isFalse();
        assertThat(onnx.get("inputShape").toString()).isEqualTo("[3,224,224]");
        assertThat(onnx.get("labels").asInt()).isEqualTo(16);
        assertThat(torchScript.get("format").asString()).isEqualTo("TORCHSCRIPT");
        assertThat(torchScript.get("engine").asString()).isEqualTo("PyTorch");
        assertThat(client.get("/v2/models/parity-onnx").json().get("platform").asString())
                .isEqualTo("onnxruntime_onnx");
        assertThat(client.get("/v2/models/parity").json().get("platform").asString())
                .isEqualTo("pytorch_torchscript");
    }

    @Test
    void aModelWithABatchDimensionOfOneServesConcurrentRequestsOneAtATime() throws Exception {
        JsonNode described = client.get("/v1/models/batch1").json();
        assertThat(described.get("state").asString()).isEqualTo("READY");
        assertThat(described.get("fixedBatchSize").asInt()).isEqualTo(1);
        assertThat(described.get("batchMaxSize").asInt())
                .as("batch.max-size 4, lowered to the model's")
                .isEqualTo(1);

        int expectedTop = Fixtures.json("parity/expected.json")
                .get("chelsea.jpg")
                .get("drop")
                .get("top5")
                .get(0)
                .asInt();
        byte[] image = Fixtures.bytes("parity/chelsea.jpg");
        int clients = 8;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Callable<ApiClient.Response>> calls = new ArrayList<>();
            for (int i = 0; i < clients * 3; i++) {
                calls.add(() -> client.post("/v1/models/batch1/classify?topK=1", "image/jpeg", image));
            }
            for (Future<ApiClient.Response> answer : pool.invokeAll(calls)) {
                ApiClient.Response response = answer.get();
                assertThat(response.status()).as(response.body()).isEqualTo(200);
                assertThat(response.json()
                                .get("predictions")
                                .get(0)
                                .get("index")
                                .asInt())
                        .isEqualTo(expectedTop);
            }
        } finally {
            pool.shutdownNow();
        }
        String metrics = client.get("/actuator/prometheus").body();
        assertThat(metrics)
                .as("only batches of one ran")
                .containsPattern("inference_batch_size_count\\{[^}]*model=\"batch1\"[^}]*\\} [1-9]")
                .doesNotContainPattern("inference_batch_size_max\\{[^}]*model=\"batch1\"[^}]*\\} [2-9]");
    }

    private static String contentType(String image) {
        return image.endsWith(".png") ? "image/png" : "image/jpeg";
    }
}
