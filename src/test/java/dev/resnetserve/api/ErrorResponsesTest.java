package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Bad requests over HTTP: each gets its 4xx and stable code as application/problem+json, never a 5xx. */
class ErrorResponsesTest extends RunningServiceTest {

    static java.util.stream.Stream<Arguments> badRequests() {
        byte[] jpeg = Fixtures.bytes("parity/chelsea.jpg");
        byte[] overLimit = new byte[1024 * 1024 + 1];
        return java.util.stream.Stream.of(
                Arguments.of("unknown model", "/v1/models/nope/classify", "image/jpeg", jpeg, 404, "model_not_found"),
                Arguments.of(
                        "text body",
                        PARITY,
                        "image/jpeg",
                        "hello".getBytes(StandardCharsets.UTF_8),
                        400,
                        "undecodable_image"),
                Arguments.of("empty body", PARITY, "image/png", new byte[0], 400, "empty_body"),
                Arguments.of(
                        "truncated JPEG", PARITY, "image/jpeg", Arrays.copyOf(jpeg, 600), 400, "undecodable_image"),
                Arguments.of("unsupported media type", PARITY, "text/plain", jpeg, 415, "unsupported_media_type"),
                Arguments.of(
                        "media range as Content-Type (fuzzing finding)",
                        "/v1/models",
                        "image/*",
                        "{}".getBytes(StandardCharsets.UTF_8),
                        415,
                        "unsupported_media_type"),
                Arguments.of("unparseable Content-Type", PARITY, "jpeg", jpeg, 415, "unsupported_media_type"),
                Arguments.of(
                        "Content-Type that breaks Spring's parser (fuzzing finding)",
                        "/predictions/parity",
                        "\"li\"{:\"1\",\"inpu5j/Xctdzj39/3lG/gAr&gutAN",
                        jpeg,
                        415,
                        "unsupported_media_type"),
                Arguments.of(
                        "JSON body",
                        PARITY,
                        "application/json",
                        "{}".getBytes(StandardCharsets.UTF_8),
                        415,
                        "unsupported_media_type"),
                Arguments.of("body over the limit", PARITY, "image/jpeg", overLimit, 413, "body_too_large"),
                Arguments.of(
                        "pixels over the limit",
                        PARITY,
                        "image/png",
                        Fixtures.pngDeclaring(30_000, 30_000),
                        413,
                        "image_too_large"),
                Arguments.of("topK zero", PARITY + "?topK=0", "image/jpeg", jpeg, 400, "invalid_top_k"),
                Arguments.of("topK over the classes", PARITY + "?topK=17", "image/jpeg", jpeg, 400, "invalid_top_k"),
                Arguments.of("topK not a number", PARITY + "?topK=many", "image/jpeg", jpeg, 400, "invalid_parameter"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void answersAProblemDetail(String name, String path, String contentType, byte[] body, int status, String code) {
        ApiClient.Response response = client.post(path, contentType, body);

        assertProblem(response, status, code);
    }

    @org.junit.jupiter.api.Test
    void multipartWithoutTheImagePart() {
        assertProblem(
                client.postMultipart(PARITY, "file", "x.jpg", Fixtures.bytes("parity/chelsea.jpg")),
                400,
                "missing_image_part");
    }

    @org.junit.jupiter.api.Test
    void multipartOverTheLimit() {
        assertProblem(
                client.postMultipart(PARITY, "image", "x.jpg", new byte[1024 * 1024 + 10]), 413, "body_too_large");
    }

    @org.junit.jupiter.api.Test
    void unknownModelInTheCatalogue() {
        assertProblem(client.get("/v1/models/nope"), 404, "model_not_found");
    }

    private static void assertProblem(ApiClient.Response response, int status, String code) {
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("code").asString()).isEqualTo(code);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asString()).isNotBlank().doesNotContain("Exception", "at dev.");
    }
}
