package dev.resnetserve.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.RetryInfo;
import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.Test;

/** Every error code answers a gRPC status, with its retry hint when it has one. */
class GrpcErrorsTest {

    @Test
    void everyCodeMapsByItsHttpStatus() {
        for (ErrorCode code : ErrorCode.values()) {
            StatusRuntimeException e = GrpcErrors.of(new ServiceException(code, "because"));
            Status.Code expected = switch (code.status()) {
                case 400, 415 -> Status.Code.INVALID_ARGUMENT;
                case 401 -> Status.Code.UNAUTHENTICATED;
                case 403 -> Status.Code.PERMISSION_DENIED;
                case 404 -> Status.Code.NOT_FOUND;
                case 413, 429 -> Status.Code.RESOURCE_EXHAUSTED;
                case 503 -> Status.Code.UNAVAILABLE;
                case 500 -> Status.Code.INTERNAL;
                default -> e.getStatus().getCode();
            };
            assertThat(e.getStatus().getCode()).as(code.name()).isEqualTo(expected);
            assertThat(e.getTrailers().get(GrpcErrors.ERROR_CODE)).isEqualTo(code.code());
            com.google.rpc.Status details = StatusProto.fromThrowable(e);
            assertThat(details).isNotNull();
            boolean hinted = details.getDetailsList().stream().anyMatch(any -> any.is(RetryInfo.class));
            assertThat(hinted)
                    .as(code.name())
                    .isEqualTo(code.retryAfterSeconds().isPresent());
            assertThat(e.getTrailers().get(GrpcErrors.RETRY_AFTER))
                    .isEqualTo(
                            code.retryAfterSeconds().isPresent()
                                    ? Integer.toString(code.retryAfterSeconds().getAsInt())
                                    : null);
        }
    }

    @Test
    void queueFullIsUnavailableWithARetryHint() throws Exception {
        StatusRuntimeException e = GrpcErrors.of(new ServiceException(ErrorCode.QUEUE_FULL, "full"));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        RetryInfo retry = StatusProto.fromThrowable(e).getDetails(0).unpack(RetryInfo.class);
        assertThat(retry.getRetryDelay().getSeconds()).isEqualTo(1);
    }

    @Test
    void theUnexpectedIsInternalWithoutDetails() {
        StatusRuntimeException e = GrpcErrors.of(new IllegalStateException("secret internals"));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(e.getStatus().getDescription()).doesNotContain("secret");
    }
}
