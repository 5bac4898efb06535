package dev.resnetserve.api.oip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;

/** Every {@link ErrorCode} answered by the v2 endpoints as the protocol has it, with its status and Retry-After. */
class OipErrorsTest {

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyCodeIsAnsweredWithItsStatus(ErrorCode code) {
        ResponseEntity<Map<String, String>> answer = new OipErrors().error(new ServiceException(code, "refused"));

        assertThat(answer.getStatusCode().value()).isEqualTo(code.status());
        assertThat(answer.getBody()).containsExactly(Map.entry("error", "refused"));
        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER))
                .isEqualTo(
                        code.retryAfterSeconds().isPresent()
                                ? Integer.toString(code.retryAfterSeconds().getAsInt())
                                : null);
    }
}
