package dev.resnetserve.api;

import dev.resnetserve.inference.DeadlineExceededException;
import dev.resnetserve.inference.DeviceUnavailableException;
import dev.resnetserve.inference.InferenceFailedException;
import dev.resnetserve.inference.ModelConflictException;
import dev.resnetserve.inference.ModelNotFoundException;
import dev.resnetserve.inference.ModelNotReadyException;
import dev.resnetserve.inference.QueueFullException;
import dev.resnetserve.preprocess.DecodeDeadlineExceededException;
import dev.resnetserve.preprocess.DecodingBusyException;
import dev.resnetserve.preprocess.ImageTooLargeException;
import dev.resnetserve.preprocess.InvalidImageException;
import java.util.Optional;
import org.springframework.http.HttpStatus;

/**
 * How each failure of the serving path answers, whatever the protocol: the status, a stable code, the message a
 * client may see, and {@code Retry-After} for overload. Each protocol only dresses it (problem+json, OIP's
 * {@code {"error"}}, TorchServe's object).
 */
public final class ServiceErrors {

    /** One failure's answer; {@code retryAfter} in seconds, or null. */
    public record Failure(HttpStatus status, String code, String message, String retryAfter) {
    }

    private ServiceErrors() {
    }

    /** The answer to a known failure; empty for anything unexpected (a 500 whose details go to the log only). */
    public static Optional<Failure> of(Throwable e) {
        String message = e.getMessage();
        Failure failure = null;
        if (e instanceof ApiException api) {
            failure = new Failure(api.status(), api.code(), message, null);
        } else if (e instanceof ModelNotFoundException) {
            failure = new Failure(HttpStatus.NOT_FOUND, "model_not_found", message, null);
        } else if (e instanceof ModelConflictException) {
            failure = new Failure(HttpStatus.CONFLICT, "model_conflict", message, null);
        } else if (e instanceof DeviceUnavailableException) {
            failure = new Failure(HttpStatus.BAD_REQUEST, "device_unavailable", message, null);
        } else if (e instanceof ModelNotReadyException) {
            failure = new Failure(HttpStatus.SERVICE_UNAVAILABLE, "model_not_ready", message, "5");
        } else if (e instanceof QueueFullException) {
            failure = new Failure(HttpStatus.SERVICE_UNAVAILABLE, "queue_full", message, "1");
        } else if (e instanceof ServerBusyException || e instanceof DecodingBusyException) {
            failure = new Failure(HttpStatus.SERVICE_UNAVAILABLE, "server_busy", message, "1");
        } else if (e instanceof DeadlineExceededException || e instanceof DecodeDeadlineExceededException) {
            failure = new Failure(HttpStatus.SERVICE_UNAVAILABLE, "deadline_exceeded", message, "1");
        } else if (e instanceof InvalidImageException) {
            failure = new Failure(HttpStatus.BAD_REQUEST, "undecodable_image", message, null);
        } else if (e instanceof ImageTooLargeException) {
            failure = new Failure(HttpStatus.CONTENT_TOO_LARGE, "image_too_large", message, null);
        } else if (e instanceof InferenceFailedException) {
            failure = new Failure(HttpStatus.INTERNAL_SERVER_ERROR, "inference_failed",
                    "the model failed to run; see the service log", null);
        }
        return Optional.ofNullable(failure);
    }
}
