package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.support.ApiClient;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * {@code X-Request-Id} end to end: a client's sane id comes back and labels the request's log lines
 * ({@code %X{requestId}} in the logging pattern); an over-long or malformed one is neither echoed nor logged, a
 * fresh UUID takes its place. The request that logs is a scale of the parity model to the workers it already has:
 * it logs "now runs N worker(s)" on the request's thread and changes nothing.
 */
@ExtendWith(OutputCaptureExtension.class)
class RequestIdTest extends RunningServiceTest {

    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final String LOGGED = "model 'parity' version '1' now runs 2 worker(s) per device";

    @Test
    void generatesAnIdWhenTheClientSendsNone() {
        ApiClient.Response response = client.get("/v1/models");

        assertThat(response.header("X-Request-Id")).matches(UUID_PATTERN);
        assertThat(client.get("/v1/models").header("X-Request-Id"))
                .as("a new id each request")
                .isNotEqualTo(response.header("X-Request-Id"));
    }

    @Test
    void theClientsIdComesBackAndLabelsTheRequestsLogLine(CapturedOutput output) {
        String id = "client-" + UUID.randomUUID() + ":7._a";

        ApiClient.Response response = logSomething(id);

        assertThat(response.header("X-Request-Id")).isEqualTo(id);
        assertThat(linesWith(output, LOGGED))
                .as("log lines of the request")
                .anyMatch(line -> line.contains("[" + id + "]"));
    }

    @Test
    void anIdOf128SafeCharactersIsKept(CapturedOutput output) {
        String id = "x".repeat(92) + UUID.randomUUID();

        assertThat(id).hasSize(128);
        assertThat(logSomething(id).header("X-Request-Id")).isEqualTo(id);
        assertThat(output.getAll()).contains("[" + id + "]");
    }

    @Test
    void anOverLongOrMalformedIdIsReplacedNotEchoedOrLogged(CapturedOutput output) {
        String marker = UUID.randomUUID().toString().replace("-", "");
        for (String hostile : List.of(
                marker + " forged=1",
                marker + "\"}{",
                marker + "/../x",
                marker + "%0d%0aINFO forged",
                marker + "<script>",
                marker + ";$(id)",
                "y".repeat(97) + marker)) {
            int before = linesWith(output, LOGGED).size();

            ApiClient.Response response = logSomething(hostile);

            String given = response.header("X-Request-Id");
            assertThat(given).as("the id answered for %s", hostile).matches(UUID_PATTERN);
            List<String> logged = linesWith(output, LOGGED);
            assertThat(logged).as("the request logged").hasSizeGreaterThan(before);
            assertThat(logged.subList(before, logged.size()))
                    .as("its log line carries the generated id")
                    .anyMatch(line -> line.contains("[" + given + "]"));
        }
        assertThat(output.getAll()).as("no hostile id in the log").doesNotContain(marker);
    }

    /** A request that logs a line on its own thread: the parity model scaled to the workers it has. */
    private ApiClient.Response logSomething(String requestId) {
        ApiClient.Response response = client.send(
                "PUT",
                "/v1/models/parity/workers",
                Map.of("X-Request-Id", requestId, "Content-Type", "application/json"),
                "{\"workers\": 2}".getBytes());
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response;
    }

    private static List<String> linesWith(CapturedOutput output, String text) {
        return output.getAll().lines().filter(line -> line.contains(text)).toList();
    }
}
