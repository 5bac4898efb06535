package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Fixtures;
import dev.resnetserve.support.Readiness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

/**
 * Explanations of TorchScript models over HTTP: a module exported with the README's recipe ({@code explainable},
 * {@code scripts/make-test-fixtures.py}) is explained by Grad-CAM by default, on its last stage's 14x14 grid, and by
 * the other two methods when asked; a plain trace ({@code parity}) by integrated gradients by default, and refused
 * Grad-CAM.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "resnet.models.explainable.location=classpath:fixtures/parity/explainable.pt",
            "resnet.models.explainable.labels=classpath:fixtures/parity/labels.txt",
            "resnet.models.explainable.preprocessing=imagenet",
            "resnet.models.explainable.workers=1"
        })
@ActiveProfiles("test")
class ExplainTorchScriptTest {

    private static final String EXPLAINABLE = "/v1/models/explainable/explain";

    @LocalServerPort
    int port;

    @Autowired
    ModelRegistry registry;

    ApiClient client;

    @BeforeEach
    void serviceReady() throws InterruptedException {
        client = new ApiClient(port);
        Readiness.await(registry);
    }

    @Test
    void theRecipesExportIsExplainedByGradCamByDefault() {
        byte[] image = Fixtures.bytes("parity/chelsea.jpg");
        JsonNode top = client.post("/v1/models/explainable/classify?topK=1", "image/jpeg", image)
                .json()
                .get("predictions")
                .get(0);

        ApiClient.Response byDefault = client.post(EXPLAINABLE, "image/jpeg", image);

        assertThat(byDefault.status()).as(byDefault.body()).isEqualTo(200);
        JsonNode body = byDefault.json();
        assertThat(body.get("method").asString()).isEqualTo("grad-cam");
        assertThat(body.get("width").asInt()).isEqualTo(28); // the last stage's 14 at 224 px, on half cells
        assertThat(body.get("height").asInt()).isEqualTo(28);
        assertThat(body.get("target").get("index").asInt())
                .isEqualTo(top.get("index").asInt());
        assertThat(peak(body)).isEqualTo(1.0);
        for (String method : new String[] {"integrated-gradients", "occlusion"}) {
            ApiClient.Response asked = client.post(EXPLAINABLE + "?target=2&method=" + method, "image/jpeg", image);
            assertThat(asked.status()).as(method + ": " + asked.body()).isEqualTo(200);
            assertThat(asked.json().get("method").asString()).isEqualTo(method);
            assertThat(asked.json().get("target").get("index").asInt()).isEqualTo(2);
        }
    }

    @Test
    void aPlainTraceIsExplainedByIntegratedGradientsByDefaultAndRefusedGradCam() {
        byte[] image = Fixtures.bytes("parity/chelsea.jpg");

        ApiClient.Response byDefault = client.post("/v1/models/parity/explain", "image/jpeg", image);
        ApiClient.Response gradCam = client.post("/v1/models/parity/explain?method=grad-cam", "image/jpeg", image);

        assertThat(byDefault.status()).as(byDefault.body()).isEqualTo(200);
        assertThat(byDefault.json().get("method").asString()).isEqualTo("integrated-gradients");
        assertThat(byDefault.json().get("width").asInt()).isEqualTo(16);
        assertThat(gradCam.status()).isEqualTo(400);
        assertThat(gradCam.json().get("code").asString()).isEqualTo("unsupported_method");
    }

    private static double peak(JsonNode body) {
        double peak = 0;
        for (JsonNode row : body.get("heatmap")) {
            for (JsonNode v : row) {
                peak = Math.max(peak, v.asDouble());
            }
        }
        return peak;
    }
}
