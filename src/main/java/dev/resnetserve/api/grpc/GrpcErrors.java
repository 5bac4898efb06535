package dev.resnetserve.api.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.RetryInfo;
import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a failure becomes a gRPC status: from its {@link ErrorCode}'s HTTP status, as every protocol
 * answers it (400 INVALID_ARGUMENT, 401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 404 NOT_FOUND, 413 and 429
 * RESOURCE_EXHAUSTED, 503 UNAVAILABLE...), with the client-safe message. A retryable refusal carries its hint twice:
 * {@code google.rpc.RetryInfo} in the status details (what gRPC clients read) and a {@code retry-after} trailer in
 * seconds (as REST's header). Anything unexpected is INTERNAL, its details only in the log.
 */
public final class GrpcErrors {

    private static final Logger log = LoggerFactory.getLogger(GrpcErrors.class);

    /** The trailer with REST's {@code Retry-After} seconds. */
    public static final Metadata.Key<String> RETRY_AFTER =
            Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);

    /** The error code, as REST's problem details and the metrics name it. */
    public static final Metadata.Key<String> ERROR_CODE =
            Metadata.Key.of("resnet-error-code", Metadata.ASCII_STRING_MARSHALLER);

    private GrpcErrors() {}

    /** The gRPC status code of an error code. */
    public static Status.Code code(ErrorCode code) {
        return switch (code.status()) {
            case 400, 415 -> Status.Code.INVALID_ARGUMENT;
            case 401 -> Status.Code.UNAUTHENTICATED;
            case 403 -> Status.Code.PERMISSION_DENIED;
            case 404 -> Status.Code.NOT_FOUND;
            case 405, 406 -> Status.Code.UNIMPLEMENTED;
            case 408 -> Status.Code.DEADLINE_EXCEEDED;
            case 409 -> Status.Code.FAILED_PRECONDITION;
            case 413, 429 -> Status.Code.RESOURCE_EXHAUSTED;
            case 503 -> Status.Code.UNAVAILABLE;
            default -> Status.Code.INTERNAL;
        };
    }

    /** The status a failure answers: a {@link ServiceException} by its code, anything else INTERNAL. */
    public static StatusRuntimeException of(Throwable e) {
        if (e instanceof ServiceException known) {
            return of(known.code(), known.clientMessage());
        }
        if (e instanceof StatusRuntimeException status) {
            return status;
        }
        log.error("unexpected error in the gRPC API", e);
        return of(ErrorCode.INTERNAL_ERROR, "internal error; see the service log");
    }

    /** The status of an error code with a message, and its retry hint when it has one. */
    public static StatusRuntimeException of(ErrorCode code, String message) {
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(code(code).value())
                .setMessage(message == null ? code.code() : message);
        code.retryAfterSeconds()
                .ifPresent(seconds -> status.addDetails(Any.pack(RetryInfo.newBuilder()
                        .setRetryDelay(Duration.newBuilder().setSeconds(seconds))
                        .build())));
        Metadata trailers = new Metadata();
        trailers.put(ERROR_CODE, code.code());
        code.retryAfterSeconds().ifPresent(seconds -> trailers.put(RETRY_AFTER, Integer.toString(seconds)));
        return StatusProto.toStatusRuntimeException(status.build(), trailers);
    }
}
