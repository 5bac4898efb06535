package dev.resnetserve.error;

/**
 * A request the service refuses or cannot serve, with its {@link ErrorCode}. Every layer throws it (or a subclass
 * naming the case); every protocol answers it from the code alone, so a new case needs no handler.
 */
public class ServiceException extends RuntimeException {

    private final ErrorCode code;

    public ServiceException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ServiceException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public final ErrorCode code() {
        return code;
    }

    /** What a client may read; the message unless it may hold internals. */
    public String clientMessage() {
        return getMessage();
    }

    /**
     * Whether the request was refused before any work on it began (so it counts as rejected, not timed out, even
     * when its code says its deadline would be missed).
     */
    public boolean refusedAtOnce() {
        return false;
    }
}
