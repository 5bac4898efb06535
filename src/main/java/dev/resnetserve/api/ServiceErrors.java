package dev.resnetserve.api;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import java.util.Optional;
import org.springframework.http.HttpStatus;

/**
 * How each failure of the serving path answers, whatever the protocol: the status, a stable code, the message a
 * client may see, and {@code Retry-After} for overload, all from the {@link ErrorCode} of a
 * {@link ServiceException}. Each protocol only dresses it (problem+json, OIP's {@code {"error"}}, TorchServe's
 * object).
 */
public final class ServiceErrors {

    /**
     * One failure's answer.
     *
     * @param retryAfter    in seconds, or null
     * @param refusedAtOnce refused before any work began (counted as rejected whatever the code)
     */
    public record Failure(HttpStatus status, String code, String message, String retryAfter, boolean refusedAtOnce) {}

    private ServiceErrors() {}

    /** The answer to a known failure; empty for anything unexpected (a 500 whose details go to the log only). */
    public static Optional<Failure> of(Throwable e) {
        return e instanceof ServiceException known ? Optional.of(answer(known)) : Optional.empty();
    }

    /** The answer to a service exception, from its code. */
    public static Failure answer(ServiceException e) {
        ErrorCode code = e.code();
        return new Failure(
                status(code),
                code.code(),
                e.clientMessage(),
                code.retryAfterSeconds().isPresent()
                        ? Integer.toString(code.retryAfterSeconds().getAsInt())
                        : null,
                e.refusedAtOnce());
    }

    public static HttpStatus status(ErrorCode code) {
        return HttpStatus.valueOf(code.status());
    }
}
