package dev.resnetserve.api.torchserve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.resnetserve.api.RunningServiceTest;
import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** TorchServe's inference API shape, on the same models and answers as /v1. */
class TorchServeApiTest extends RunningServiceTest {

    private static final String CAT = "parity/chelsea-small.jpg";

    @Test
    void pingIsHealthyWhenEveryModelIsReady() {
        ApiClient.Response ping = client.get("/ping");

        assertThat(ping.status()).isEqualTo(200);
        assertThat(ping.json().get("status").asString()).isEqualTo("Healthy");
    }

    @Test
    void predictionsMapTheTopFiveLabelsToProbabilitiesLikeV1() {
        JsonNode v1 = client.post("/v1/models/parity/classify?topK=5", "image/jpeg", Fixtures.bytes(CAT))
                .json();

        for (ApiClient.Response answer : List.of(
                client.post("/predictions/parity", "image/jpeg", Fixtures.bytes(CAT)),
                client.post("/predictions/parity/1", "application/octet-stream", Fixtures.bytes(CAT)),
                client.postMultipart("/predictions/parity", "data", "cat.jpg", Fixtures.bytes(CAT)))) {
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            List<Map.Entry<String, JsonNode>> entries =
                    new ArrayList<>(answer.json().properties());
            assertThat(entries).hasSize(5);
            for (int i = 0; i < 5; i++) {
                JsonNode expected = v1.get("predictions").get(i);
                assertThat(entries.get(i).getKey())
                        .isEqualTo(expected.get("label").asString());
                assertThat(entries.get(i).getValue().asDouble())
                        .isCloseTo(expected.get("probability").asDouble(), within(1e-9));
            }
        }
    }

    @Test
    void errorsHaveTorchServesShape() {
        assertError(client.post("/predictions/nope", "image/jpeg", Fixtures.bytes(CAT)), 404, "ModelNotFoundException");
        assertError(
                client.post("/predictions/parity/7", "image/jpeg", Fixtures.bytes(CAT)), 404, "ModelNotFoundException");
        assertError(
                client.post("/predictions/parity", "image/jpeg", "no image".getBytes()), 400, "BadRequestException");
        assertError(
                client.postMultipart("/predictions/parity", "file", "cat.jpg", Fixtures.bytes(CAT)),
                400,
                "BadRequestException");
    }

    private static void assertError(ApiClient.Response response, int status, String type) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.json().get("code").asInt()).isEqualTo(status);
        assertThat(response.json().get("type").asString()).isEqualTo(type);
        assertThat(response.json().get("message").asString()).isNotBlank();
    }
}
