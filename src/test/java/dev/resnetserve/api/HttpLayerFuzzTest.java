package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.resnetserve.ResnetServeApplication;
import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.support.Readiness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Jazzer over the whole HTTP layer of the running service (Tomcat, filters, every protocol's controllers, the
 * decoder): fuzzed method, path, content type, request id, OIP header and body, sent over a real socket. Any 5xx but
 * an overload 503, or no answer within 10 s, is a finding. Seeds: HttpLayerFuzzTestInputs.
 */
class HttpLayerFuzzTest {

    private static final List<String> PATHS = List.of(
            "/v1/classify",
            "/v1/models/parity/classify",
            "/v1/models/demo/versions/1/classify",
            "/v1/models",
            "/v1/models/parity",
            "/v2/models/parity/infer",
            "/v2/models/demo/infer",
            "/v2/models/parity",
            "/predictions/demo",
            "/predictions/parity/1",
            "/ping",
            "/v1/models/parity/workers",
            "/v1/models/nope/classify",
            "/");
    private static final List<String> TYPES = List.of(
            "image/jpeg",
            "image/png",
            "application/octet-stream",
            "application/json",
            "multipart/form-data; boundary=b",
            "text/plain",
            "image/*",
            "");
    private static final List<String> METHODS = List.of("POST", "POST", "POST", "GET", "PUT", "DELETE");

    private static ConfigurableApplicationContext service;
    private static HttpClient http;
    private static int port;

    private static synchronized void start() throws InterruptedException {
        if (service == null) {
            service = new SpringApplicationBuilder(ResnetServeApplication.class)
                    .run("--spring.profiles.active=test", "--server.port=0", "--logging.level.root=WARN");
            Readiness.await(service.getBean(ModelRegistry.class));
            port = ((WebServerApplicationContext) service).getWebServer().getPort();
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        }
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @FuzzTest(maxDuration = "45s")
    void anyRequestGetsAnAnswerBelow500(FuzzedDataProvider data) throws Exception {
        start();
        // the harness's own connections to the service are expected; any other would still be an SSRF finding
        BugDetectors.allowNetworkConnections(
                (host, to) -> to == port && (host.equals("localhost") || host.equals("127.0.0.1")));
        String method = data.pickValue(METHODS);
        String path = data.pickValue(PATHS) + (data.consumeBoolean() ? "?topK=" + data.consumeInt(-2, 20) : "");
        String type = data.consumeBoolean() ? data.pickValue(TYPES) : data.consumeString(40);
        String requestId = data.consumeString(80);
        String headerLength = data.consumeBoolean() ? Integer.toString(data.consumeInt(-5, 5000)) : null;
        byte[] body = data.consumeRemainingAsBytes();

        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        setHeader(request, "Content-Type", type);
        setHeader(request, "X-Request-Id", requestId);
        if (headerLength != null) {
            request.header("Inference-Header-Content-Length", headerLength);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode() < 500 || response.statusCode() == 503)
                .as("%s %s (%s) answered %d: %s", method, path, type, response.statusCode(), response.body())
                .isTrue();
    }

    /** Header values Java's client refuses to send (control characters) are left out, not fuzzed. */
    private static void setHeader(HttpRequest.Builder request, String name, String value) {
        if (!value.isEmpty() && value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            request.header(name, value);
        }
    }
}
