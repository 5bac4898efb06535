package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.inference.ModelState;
import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

/** A model that cannot load is FAILED with its reason; readiness is DOWN; the other models still serve. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "resnet.models.broken.location=file:/nonexistent/model.pt")
@ActiveProfiles("test")
class FailedModelTest {

    @LocalServerPort
    int port;

    @Autowired
    ModelRegistry registry;

    @Test
    void theOthersServeAndReadinessSaysWhy() throws InterruptedException {
        for (int i = 0; i < 600 && registry.all().stream().anyMatch(m -> m.state() == ModelState.LOADING
                || m.state() == ModelState.WARMING_UP); i++) {
            Thread.sleep(100); // waiting for start-up, not timing anything
        }
        ApiClient client = new ApiClient(port);

        JsonNode broken = client.get("/v1/models/broken").json();
        assertThat(broken.get("state").asString()).isEqualTo("FAILED");
        assertThat(broken.get("error").asString()).contains("/nonexistent/model.pt");

        ApiClient.Response readiness = client.get("/actuator/health/readiness");
        assertThat(readiness.status()).isEqualTo(503);
        assertThat(readiness.json().get("components").get("models").get("details").get("broken:1").asString())
                .isEqualTo("FAILED");
        assertThat(readiness.body()).as("no local paths on the open health endpoint").doesNotContain("/nonexistent");
        assertThat(client.get("/actuator/health/liveness").status()).isEqualTo(200);

        ApiClient.Response refused = client.post("/v1/models/broken/classify", "image/jpeg",
                Fixtures.bytes("parity/chelsea-small.jpg"));
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.json().get("code").asString()).isEqualTo("model_not_ready");
        assertThat(refused.body()).doesNotContain("/nonexistent");
        assertThat(client.post("/v1/models/parity/classify", "image/jpeg",
                Fixtures.bytes("parity/chelsea-small.jpg")).status()).isEqualTo(200);
    }
}
