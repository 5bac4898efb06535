package dev.resnetserve.api.torchserve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;

/** Every {@link ErrorCode} answered by the TorchServe endpoints with its status, in TorchServe's shape. */
class TorchServeErrorsTest {

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyCodeIsAnsweredWithItsStatus(ErrorCode code) {
        ResponseEntity<Map<String, Object>> answer =
                new TorchServeErrors().error(new ServiceException(code, "refused"));

        assertThat(answer.getStatusCode().value()).isEqualTo(code.status());
        assertThat(answer.getBody()).containsEntry("code", code.status()).containsEntry("message", "refused");
        assertThat(answer.getBody().get("type"))
                .isEqualTo(
                        switch (code.status()) {
                            case 404 -> "ModelNotFoundException";
                            case 503 -> "ServiceUnavailableException";
                            default -> code.status() >= 500 ? "InternalServerException" : "BadRequestException";
                        });
        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER))
                .isEqualTo(
                        code.retryAfterSeconds().isPresent()
                                ? Integer.toString(code.retryAfterSeconds().getAsInt())
                                : null);
    }
}
