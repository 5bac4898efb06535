package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.preprocess.DecodeDeadlineExceededException;
import dev.resnetserve.preprocess.DecodingBusyException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** The decoder's overload refusals answer as the serving path's others do: 503 with Retry-After. */
class ServiceErrorsTest {

    @Test
    void aFullDecodingBudgetIsServerBusy() {
        ServiceErrors.Failure failure =
                ServiceErrors.of(new DecodingBusyException(1_000, 2_000)).orElseThrow();

        assertThat(failure.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(failure.code()).isEqualTo("server_busy");
        assertThat(failure.retryAfter()).isEqualTo("1");
    }

    @Test
    void aDecodeStoppedAtTheDeadlineIsDeadlineExceeded() {
        ServiceErrors.Failure failure =
                ServiceErrors.of(new DecodeDeadlineExceededException()).orElseThrow();

        assertThat(failure.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(failure.code()).isEqualTo("deadline_exceeded");
        assertThat(failure.retryAfter()).isEqualTo("1");
    }
}
