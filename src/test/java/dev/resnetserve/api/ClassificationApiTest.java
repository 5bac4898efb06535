package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The service end to end over HTTP with the real engine: the strong parity model's answers must be PyTorch's after
 * torchvision's preprocessing (all 1000 probabilities within 1e-3, same top-5), and the service's own answers
 * (model, timings, probes) are whole. The strong parity model ({@code scripts/make-test-fixtures.py --strong})
 * average-pools the input to 3x14x14 into a linear layer with large random weights, so every 16x16 block of every
 * channel moves its logits: a red mean off by 0.005 in the service's normalisation fails every image here. It runs
 * in this class's context only.
 */
@TestPropertySource(
        properties = {
            "resnet.models.parity-strong.location=classpath:fixtures/parity-strong/model.pt",
            "resnet.models.parity-strong.workers=1"
        })
class ClassificationApiTest extends RunningServiceTest {

    static final String[] PARITY_IMAGES = Fixtures.PARITY_IMAGES;
    private static final String STRONG = "/v1/models/parity-strong/classify";

    @ParameterizedTest
    @FieldSource("PARITY_IMAGES")
    void probabilitiesMatchPyTorch(String image) {
        JsonNode expected =
                Fixtures.json(Fixtures.gunzip("parity-strong/expected.json.gz")).get(image);
        int classes = expected.get("probabilities").size();
        assertThat(classes).isEqualTo(1000);

        ApiClient.Response response =
                client.post(STRONG + "?topK=" + classes, contentType(image), Fixtures.bytes("parity/" + image));

        assertThat(response.status()).isEqualTo(200);
        JsonNode predictions = response.json().get("predictions");
        List<Integer> top5 = new ArrayList<>();
        for (int i = 0; i < predictions.size(); i++) {
            JsonNode p = predictions.get(i);
            int index = p.get("index").asInt();
            if (i < 5) {
                top5.add(index);
            }
            assertThat(p.get("probability").asDouble())
                    .as("probability of class %d", index)
                    .isCloseTo(expected.get("probabilities").get(index).asDouble(), within(1e-3));
        }
        List<Integer> expectedTop5 = new ArrayList<>();
        expected.get("top5").forEach(n -> expectedTop5.add(n.asInt()));
        assertThat(predictions.size()).isEqualTo(classes);
        assertThat(top5).isEqualTo(expectedTop5);
    }

    @Test
    void answersTopKWithLabelsTimingsAndServerTiming() {
        ApiClient.Response response =
                client.post(PARITY + "?topK=3", "image/jpeg", Fixtures.bytes("parity/chelsea.jpg"));

        assertThat(response.status()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.get("model").asString()).isEqualTo("parity");
        assertThat(body.get("version").asString()).isEqualTo("1");
        assertThat(body.get("device").asString()).isEqualTo("cpu");
        JsonNode predictions = body.get("predictions");
        assertThat(predictions.size()).isEqualTo(3);
        assertThat(predictions.get(0).get("label").asString()).matches("class\\d\\d");
        assertThat(predictions.get(0).get("probability").asDouble())
                .isGreaterThanOrEqualTo(predictions.get(1).get("probability").asDouble());
        JsonNode timings = body.get("timings");
        for (String stage : List.of("decodeMs", "preprocessMs", "queueMs", "inferenceMs", "postprocessMs")) {
            assertThat(timings.get(stage).asDouble())
                    .as(stage)
                    .isGreaterThanOrEqualTo(0)
                    .isLessThanOrEqualTo(timings.get("totalMs").asDouble());
        }
        assertThat(timings.get("inferenceMs").asDouble()).isPositive();
        assertThat(response.header("Server-Timing"))
                .contains(
                        "decode;dur=",
                        "preprocess;dur=",
                        "queue;dur=",
                        "inference;dur=",
                        "postprocess;dur=",
                        "total;dur=");
    }

    @Test
    void acceptsMultipartUploads() {
        ApiClient.Response response =
                client.postMultipart(PARITY, "image", "chelsea.jpg", Fixtures.bytes("parity/chelsea.jpg"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("predictions").size()).isEqualTo(5);
    }

    @Test
    void theDefaultModelAnswersWithoutAName() {
        ApiClient.Response response =
                client.post("/v1/classify", "application/octet-stream", Fixtures.bytes("formats/halves.png"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("model").asString()).isEqualTo(registry.defaultModelName());
    }

    @Test
    void describesTheModels() {
        JsonNode models = client.get("/v1/models").json();
        JsonNode parity = client.get("/v1/models/parity").json();

        assertThat(models.size()).isEqualTo(registry.all().size());
        assertThat(parity.get("state").asString()).isEqualTo("READY");
        assertThat(parity.get("format").asString()).isEqualTo("TORCHSCRIPT");
        assertThat(parity.get("labels").asInt()).isEqualTo(16);
        assertThat(parity.get("parameters").asLong()).isPositive();
        assertThat(parity.get("inputShape").toString()).isEqualTo("[3,224,224]");
        assertThat(parity.get("preprocessing").get("mode").asString()).isEqualTo("center-crop");
        assertThat(parity.get("devices").toString()).isEqualTo("[\"cpu\"]");
        assertThat(parity.get("workersPerDevice").asInt()).isEqualTo(2);
    }

    @Test
    void probesAnswer() {
        assertThat(client.get("/actuator/health/liveness").status()).isEqualTo(200);
        ApiClient.Response readiness = client.get("/actuator/health/readiness");
        assertThat(readiness.status()).isEqualTo(200);
        assertThat(readiness
                        .json()
                        .get("components")
                        .get("models")
                        .get("details")
                        .get("parity:1")
                        .asString())
                .isEqualTo("READY");
        assertThat(client.get("/actuator/info").status()).isEqualTo(200);
    }

    private static String contentType(String image) {
        return image.endsWith(".png") ? "image/png" : "image/jpeg";
    }
}
