package dev.resnetserve.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.api.RunningServiceTest;
import dev.resnetserve.support.Fixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * API keys on (a context of its own): each endpoint group needs its role, probes and the page stay open, errors are
 * problem details, the keys live in configuration as SHA-256 only, CORS answers the listed origin only.
 */
@TestPropertySource(
        properties = {
            "resnet.security.enabled=true",
            "resnet.security.api-keys[0].name=client",
            "resnet.security.api-keys[0].sha256=" + ApiKeySecurityTest.CLIENT_SHA256,
            "resnet.security.api-keys[0].roles=inference",
            "resnet.security.api-keys[1].name=operator",
            "resnet.security.api-keys[1].sha256=" + ApiKeySecurityTest.OPERATOR_SHA256,
            "resnet.security.api-keys[1].roles=management,metrics",
            "resnet.security.cors-origins=https://app.example.com",
        })
class ApiKeySecurityTest extends RunningServiceTest {

    static final String CLIENT_KEY = "client-key-0123456789";
    static final String CLIENT_SHA256 = "cbabecbd031c14b585286f8bbe8ee8c918084a61befa997329ecea40c3f1e0ca";
    static final String OPERATOR_KEY = "operator-key-9876543210";
    static final String OPERATOR_SHA256 = "74f883e690e6052568f600b6fcc574d5c02205c2a4939ea6561677e404f9d5ff";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theConfiguredDigestsAreTheKeysSha256() {
        assertThat(HexFormat.of().formatHex(ApiKeys.sha256(CLIENT_KEY))).isEqualTo(CLIENT_SHA256);
        assertThat(HexFormat.of().formatHex(ApiKeys.sha256(OPERATOR_KEY))).isEqualTo(OPERATOR_SHA256);
    }

    @Test
    void inferenceNeedsAnInferenceKey() throws Exception {
        byte[] cat = Fixtures.bytes("parity/chelsea-small.jpg");

        assertProblem(send("POST", PARITY, Map.of("Content-Type", "image/jpeg"), cat), 401, "unauthorized");
        assertProblem(
                send("POST", PARITY, Map.of("Content-Type", "image/jpeg", "X-API-Key", "guess"), cat),
                401,
                "unauthorized");
        assertProblem(
                send("POST", PARITY, Map.of("Content-Type", "image/jpeg", "X-API-Key", OPERATOR_KEY), cat),
                403,
                "forbidden");
        assertThat(send("POST", PARITY, Map.of("Content-Type", "image/jpeg", "X-API-Key", CLIENT_KEY), cat)
                        .statusCode())
                .isEqualTo(200);
        assertThat(send(
                                "POST",
                                "/v2/models/parity/infer",
                                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + CLIENT_KEY),
                                "{}".getBytes())
                        .statusCode())
                .as("past security: 400")
                .isEqualTo(400);
        assertThat(send("POST", "/predictions/parity", Map.of("Content-Type", "image/jpeg"), cat)
                        .statusCode())
                .isEqualTo(401);
        HttpResponse<String> models = send("GET", "/v1/models", Map.of("Authorization", "Bearer " + CLIENT_KEY), null);
        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(models.body())
                .as("an inference key sees no model locations")
                .contains("\"parity\"")
                .doesNotContain("\"source\"", "classpath:");
        assertThat(send(
                                "PUT",
                                "/v1/models/parity/workers",
                                Map.of("Content-Type", "application/json", "X-API-Key", OPERATOR_KEY),
                                "{\"workers\": 2}".getBytes())
                        .body())
                .as("a management key sees where a model comes from")
                .contains("\"source\":\"classpath:");
    }

    @Test
    void managementAndMetricsNeedTheirOwnRoles() throws Exception {
        String scale = "{\"workers\": 2}";
        assertProblem(
                send(
                        "PUT",
                        "/v1/models/parity/workers",
                        Map.of("Content-Type", "application/json", "X-API-Key", CLIENT_KEY),
                        scale.getBytes()),
                403,
                "forbidden");
        assertThat(send(
                                "PUT",
                                "/v1/models/parity/workers",
                                Map.of("Content-Type", "application/json", "X-API-Key", OPERATOR_KEY),
                                scale.getBytes())
                        .statusCode())
                .isEqualTo(200);
        assertThat(send("DELETE", "/v1/models/parity/versions/9", Map.of(), null)
                        .statusCode())
                .isEqualTo(401);
        String split = "{\"1\": 100}";
        assertProblem(
                send(
                        "PUT",
                        "/v1/models/parity/traffic",
                        Map.of("Content-Type", "application/json", "X-API-Key", CLIENT_KEY),
                        split.getBytes()),
                403,
                "forbidden");
        assertProblem(
                send("DELETE", "/v1/models/parity/traffic", Map.of("X-API-Key", CLIENT_KEY), null), 403, "forbidden");
        assertThat(send(
                                "PUT",
                                "/v1/models/parity/traffic",
                                Map.of("Content-Type", "application/json", "X-API-Key", OPERATOR_KEY),
                                split.getBytes())
                        .statusCode())
                .isEqualTo(200);
        assertThat(send("GET", "/v1/models/parity/traffic", Map.of("X-API-Key", CLIENT_KEY), null)
                        .statusCode())
                .as("reading the routing, as reading the models")
                .isEqualTo(200);
        assertThat(send("DELETE", "/v1/models/parity/traffic", Map.of("X-API-Key", OPERATOR_KEY), null)
                        .statusCode())
                .isEqualTo(200);

        assertThat(send("GET", "/actuator/prometheus", Map.of("X-API-Key", CLIENT_KEY), null)
                        .statusCode())
                .isEqualTo(403);
        assertThat(send("GET", "/actuator/prometheus", Map.of("X-API-Key", OPERATOR_KEY), null)
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void probesThePageAndTheApiDescriptionStayOpen() throws Exception {
        for (String path : new String[] {
            "/actuator/health/liveness",
            "/actuator/health/readiness",
            "/ping",
            "/v2/health/ready",
            "/",
            "/app.js",
            "/v3/api-docs"
        }) {
            assertThat(send("GET", path, Map.of(), null).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void securityHeadersOnEveryAnswer() throws Exception {
        HttpResponse<String> page = send("GET", "/", Map.of(), null);

        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'self'", "frame-ancestors 'none'");
        assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(page.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void corsAnswersTheListedOriginOnly() throws Exception {
        HttpResponse<String> allowed = send(
                "OPTIONS",
                PARITY,
                Map.of(
                        "Origin",
                        "https://app.example.com",
                        "Access-Control-Request-Method",
                        "POST",
                        "Access-Control-Request-Headers",
                        "x-api-key"),
                null);
        HttpResponse<String> other = send(
                "OPTIONS",
                PARITY,
                Map.of("Origin", "https://evil.example.com", "Access-Control-Request-Method", "POST"),
                null);

        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    private HttpResponse<String> send(String method, String path, Map<String, String> headers, byte[] body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(response.body()).contains("\"code\":\"" + code + "\"");
    }
}
