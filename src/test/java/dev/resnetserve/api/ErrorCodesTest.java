package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import dev.resnetserve.serving.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * The error table is {@link ErrorCode}: each code distinct, each answered with its own status by {@code /v1}
 * (here), {@code /v2} ({@code OipErrorsTest}) and {@code /predictions} ({@code TorchServeErrorsTest}), and the
 * README's table saying the same. A code added without a status every protocol can answer fails here.
 */
class ErrorCodesTest {

    @Test
    void everyCodeIsDistinctAndStable() {
        Set<String> codes =
                Arrays.stream(ErrorCode.values()).map(ErrorCode::code).collect(Collectors.toSet());

        assertThat(codes).hasSize(ErrorCode.values().length).allMatch(code -> code.matches("[a-z]+(_[a-z]+)*"));
        assertThat(ErrorCode.QUEUE_FULL.code()).isEqualTo("queue_full");
        assertThat(ErrorCode.DEADLINE_EXCEEDED.code()).isEqualTo("deadline_exceeded");
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void aRetryAfterIsOnlyForWhatMaySucceedLater(ErrorCode code) {
        assertThat(code.status()).isBetween(400, 599);
        if (code.retryAfterSeconds().isPresent()) {
            assertThat(code.retryable()).isTrue();
            assertThat(code.retryAfterSeconds().getAsInt()).isPositive();
        }
        if (code.status() < 500 && code.status() != 408 && code.status() != 429) {
            assertThat(code.retryable()).as("a bad request fails again").isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyCodeIsAnsweredAsAProblemWithItsStatus(ErrorCode code) {
        ResponseEntity<Object> answer = new ProblemDetailsAdvice().known(new ServiceException(code, "refused"));

        assertThat(answer.getStatusCode().value()).isEqualTo(code.status());
        ProblemDetail problem = (ProblemDetail) answer.getBody();
        assertThat(problem.getStatus()).isEqualTo(code.status());
        assertThat(problem.getProperties()).containsEntry(ProblemDetailsAdvice.CODE, code.code());
        assertThat(problem.getDetail()).isEqualTo("refused");
        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER))
                .isEqualTo(
                        code.retryAfterSeconds().isPresent()
                                ? Integer.toString(code.retryAfterSeconds().getAsInt())
                                : null);
    }

    @Test
    void theReadmeTableListsEveryCodeWithItsStatusAndRetryAfter() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String table = readme.substring(readme.indexOf("| status | code | when |"));
        table = table.substring(0, table.indexOf("\n\n"));
        Map<String, String> statusOf = new HashMap<>();
        for (String row : table.lines().skip(2).toList()) {
            String[] cells = row.split("\\|");
            Matcher code = Pattern.compile("`([a-z_]+)`").matcher(cells[2]);
            while (code.find()) {
                assertThat(statusOf.put(code.group(1), cells[1].trim()))
                        .as(code.group(1) + " listed once")
                        .isNull();
            }
        }

        assertThat(statusOf.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList());
        for (ErrorCode code : ErrorCode.values()) {
            String status = statusOf.get(code.code());
            assertThat(status).as(code.code()).startsWith(Integer.toString(code.status()));
            assertThat(status.contains("Retry-After"))
                    .as(code.code() + " Retry-After")
                    .isEqualTo(code.retryAfterSeconds().isPresent());
        }
    }

    @Test
    void aRefusalOnAPredictedMissIsRejectedAndADropAtTheDeadlineATimeout() {
        String deadline = ErrorCode.DEADLINE_EXCEEDED.code();

        assertThat(Outcome.of(503, deadline, true)).isEqualTo(Outcome.REJECTED);
        assertThat(Outcome.of(503, deadline, false)).isEqualTo(Outcome.TIMEOUT);
        assertThat(Outcome.of(503, ErrorCode.QUEUE_FULL.code(), true)).isEqualTo(Outcome.REJECTED);
        assertThat(Outcome.of(400, ErrorCode.INVALID_TOP_K.code(), false)).isEqualTo(Outcome.BAD_REQUEST);
        assertThat(Outcome.of(500, ErrorCode.INFERENCE_FAILED.code(), false)).isEqualTo(Outcome.ERROR);
    }
}
