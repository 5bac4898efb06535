package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.inference.ModelState;
import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

/**
 * The service as the image and the chart run it, listening on every address without API keys (the test talks to it
 * on 127.0.0.1 only), with a model that cannot load: that model is FAILED, readiness is DOWN, the others serve;
 * anonymous callers see neither local paths nor load errors, and the endpoints that change what is served are
 * closed (403 management_disabled) while classification stays open.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"resnet.models.broken.location=file:/nonexistent/model.pt", "server.address=0.0.0.0"})
@ActiveProfiles("test")
class FailedModelTest {

    private static final byte[] CAT = Fixtures.bytes("parity/chelsea-small.jpg");

    @LocalServerPort
    int port;

    @Autowired
    ModelRegistry registry;

    ApiClient client;

    @BeforeEach
    void started() throws InterruptedException {
        for (int i = 0;
                i < 600
                        && registry.all().stream()
                                .anyMatch(m -> m.state() == ModelState.LOADING || m.state() == ModelState.WARMING_UP);
                i++) {
            Thread.sleep(100); // waiting for start-up, not timing anything
        }
        client = new ApiClient(port);
    }

    @Test
    void theOthersServeAndReadinessSaysNothingLocal() {
        JsonNode broken = client.get("/v1/models/broken").json();
        assertThat(broken.get("state").asString()).isEqualTo("FAILED");
        assertThat(broken.get("error").asString())
                .as("no reason for an anonymous caller")
                .isEqualTo("failed to load");
        assertThat(broken.has("source"))
                .as("no location for an anonymous caller")
                .isFalse();
        assertThat(client.get("/v1/models").body()).doesNotContain("/nonexistent", "classpath:", "file:");

        ApiClient.Response readiness = client.get("/actuator/health/readiness");
        assertThat(readiness.status()).isEqualTo(503);
        assertThat(readiness.json().get("status").asString()).isEqualTo("DOWN");
        assertThat(readiness.json().has("components"))
                .as("details only for an operator")
                .isFalse();
        assertThat(client.get("/actuator/health/liveness").status()).isEqualTo(200);

        ApiClient.Response refused = client.post("/v1/models/broken/classify", "image/jpeg", CAT);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.json().get("code").asString()).isEqualTo("model_not_ready");
        assertThat(refused.body()).doesNotContain("/nonexistent");
        assertThat(client.post("/v1/models/parity/classify", "image/jpeg", CAT).status())
                .isEqualTo(200);
    }

    @Test
    void withoutKeysOnEveryAddressNothingThatChangesWhatIsServedAnswers() {
        String registration = "{\"name\":\"evil\",\"location\":\"file:/etc/passwd\",\"labels\":\"file:/dev/zero\"}";

        assertManagementDisabled(client.post("/v1/models", "application/json", registration.getBytes()));
        assertManagementDisabled(client.post("/v1/models/", "application/json", "{}".getBytes()));
        assertManagementDisabled(client.post("/v1/model%73", "application/json", registration.getBytes()));
        assertManagementDisabled(client.delete("/v1/model%73/parity"));
        assertManagementDisabled(
                client.put("/v1/models/parity/workers", "application/json", "{\"workers\":64}".getBytes()));
        assertManagementDisabled(
                client.put("/v1/models/parity/default", "application/json", "{\"version\":\"1\"}".getBytes()));
        assertManagementDisabled(client.delete("/v1/models/parity"));
        assertManagementDisabled(client.delete("/v1/models/parity/versions/1"));

        assertThat(registry.serves("evil")).isFalse();
        assertThat(registry.require("parity").targetWorkersPerDevice()).isEqualTo(2);
        assertThat(client.post("/v1/models/parity/classify", "image/jpeg", CAT).status())
                .isEqualTo(200);
        assertThat(client.get("/v1/models/parity").status())
                .as("reading stays open")
                .isEqualTo(200);
    }

    private static void assertManagementDisabled(ApiClient.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(403);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().get("code").asString()).isEqualTo("management_disabled");
        assertThat(response.json().get("detail").asString()).contains("resnet.security.enabled", "MANAGEMENT");
    }
}
