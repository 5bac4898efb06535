package dev.resnetserve.error;

import java.util.Locale;
import java.util.OptionalInt;

/**
 * Every way the service answers a request it cannot serve: the HTTP status, the stable {@code code} clients match
 * on, whether trying again later may succeed, and the {@code Retry-After} seconds sent with it. Each protocol
 * ({@code /v1} problem details, {@code /v2} Open Inference Protocol, TorchServe's {@code /predictions}) answers a
 * {@link ServiceException} from this table alone; the README's error table must agree with it.
 */
public enum ErrorCode {

    // 400: the request is wrong; the same request fails again.
    UNDECODABLE_IMAGE(400),
    EMPTY_BODY(400),
    INCOMPLETE_BODY(400),
    INVALID_TOP_K(400),
    INVALID_PARAMETER(400),
    MISSING_PARAMETER(400),
    MISSING_IMAGE_PART(400),
    INVALID_MULTIPART(400),
    INVALID_REQUEST(400),
    BAD_REQUEST(400),
    LOCATION_NOT_ALLOWED(400),
    DEVICE_UNAVAILABLE(400),
    // 400 of the Open Inference Protocol's request body
    INVALID_JSON(400),
    INVALID_HEADER(400),
    INVALID_SHAPE(400),
    INVALID_DATA(400),
    INVALID_INPUTS(400),
    BINARY_SIZE_MISMATCH(400),
    SHAPE_MISMATCH(400),
    DUPLICATE_OUTPUT(400),
    UNKNOWN_OUTPUT(400),
    UNSUPPORTED_DATATYPE(400),
    RESPONSE_TOO_LARGE(400),
    BATCH_TOO_LARGE(400),
    // 400 of an explanation: a method the model cannot be explained with (grad-cam or hires-cam of a TorchScript model)
    UNSUPPORTED_METHOD(400),
    // 400 of a fine-tuning data set: traversal paths, too few images in a class, bad labels
    INVALID_DATASET(400),

    UNAUTHORIZED(401),
    FORBIDDEN(403),
    MANAGEMENT_DISABLED(403),
    MODEL_NOT_FOUND(404),
    NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    NOT_ACCEPTABLE(406),
    /** The body did not arrive in time: a client on a better connection may succeed, no server hint when. */
    BODY_TIMEOUT(408, true, OptionalInt.empty()),
    MODEL_CONFLICT(409),
    BODY_TOO_LARGE(413),
    IMAGE_TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    /** Fine-tuning jobs: the running ones and the queue are full. */
    TOO_MANY_JOBS(429, true, OptionalInt.of(30)),

    /** The model is loading, warming up or failed. */
    MODEL_NOT_READY(503, true, OptionalInt.of(5)),
    /** The model's queue has no room: refused at once, before decoding. */
    QUEUE_FULL(503, true, OptionalInt.of(1)),
    /** Every request thread lent to inference is taken, or the decoding budget stayed full. */
    SERVER_BUSY(503, true, OptionalInt.of(1)),
    /**
     * The request would be, or was, answered past its deadline: refused at once on a predicted wait, dropped before
     * inference, or its decode stopped.
     */
    DEADLINE_EXCEEDED(503, true, OptionalInt.of(1)),
    /** Explanations: {@code resnet.explain.max-concurrent} are running. */
    EXPLAIN_BUSY(503, true, OptionalInt.of(1)),
    /** A 503 of the web framework's own, without a hint when to retry. */
    UNAVAILABLE(503, true, OptionalInt.empty()),

    INFERENCE_FAILED(500),
    INTERNAL_ERROR(500);

    private final int status;
    private final String code;
    private final boolean retryable;
    private final OptionalInt retryAfterSeconds;

    ErrorCode(int status) {
        this(status, false, OptionalInt.empty());
    }

    ErrorCode(int status, boolean retryable, OptionalInt retryAfterSeconds) {
        this.status = status;
        this.code = name().toLowerCase(Locale.ROOT);
        this.retryable = retryable;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** The HTTP status of the answer. */
    public int status() {
        return status;
    }

    /** The stable code: the problem detail's {@code code} member, the outcome label's source. */
    public String code() {
        return code;
    }

    /** Whether the same request may succeed later, unchanged. */
    public boolean retryable() {
        return retryable;
    }

    /** The {@code Retry-After} header in seconds; empty when the answer has none. */
    public OptionalInt retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
