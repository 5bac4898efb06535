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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error as RFC 9457 {@code application/problem+json} with a stable {@code code} member. Bad input is a 4xx,
 * overload a 503 with {@code Retry-After}; a 500 never carries internals.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);
    static final String CODE = "code";

    /** The serving path's own failures, as {@link ServiceErrors} describes them. */
    @ExceptionHandler({ApiException.class, InvalidImageException.class, ImageTooLargeException.class,
            ModelNotFoundException.class, ModelConflictException.class, DeviceUnavailableException.class,
            ModelNotReadyException.class, QueueFullException.class, ServerBusyException.class,
            DeadlineExceededException.class, InferenceFailedException.class, DecodingBusyException.class,
            DecodeDeadlineExceededException.class})
    ResponseEntity<Object> known(Exception e) {
        ServiceErrors.Failure failure = ServiceErrors.of(e).orElseThrow();
        return problem(failure.status(), failure.code(), failure.message(), failure.retryAfter());
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<Object> badMultipart(MultipartException e) {
        if (e instanceof MaxUploadSizeExceededException tooLarge) {
            return problem(HttpStatus.CONTENT_TOO_LARGE, "body_too_large",
                    "the upload is larger than the limit of " + tooLarge.getMaxUploadSize() + " bytes", null);
        }
        return problem(HttpStatus.BAD_REQUEST, "invalid_multipart", "the multipart body could not be read", null);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> badParameter(MethodArgumentTypeMismatchException e) {
        return problem(HttpStatus.BAD_REQUEST, "invalid_parameter",
                "the parameter '" + e.getName() + "' has an invalid value", null);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e) {
        log.error("unexpected error", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "an unexpected error occurred; see the "
                + "service log", null);
    }

    /** Bean validation of a request body: which fields, and why. */
    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String detail = ex.getBindingResult().getFieldErrors().stream()
                .map(error -> error.getField() + ": " + error.getDefaultMessage()).sorted()
                .collect(java.util.stream.Collectors.joining("; "));
        return problem(HttpStatus.BAD_REQUEST, "invalid_request", detail.isEmpty() ? "invalid request" : detail,
                null);
    }

    /** Spring MVC's own errors (415, 405, 404, missing part...) get a {@code code} too. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (response != null && response.getBody() instanceof ProblemDetail problem
                && (problem.getProperties() == null || !problem.getProperties().containsKey(CODE))) {
            problem.setProperty(CODE, codeFor(ex, statusCode));
            OutcomeCodes.remember((String) problem.getProperties().get(CODE));
        }
        return response;
    }


    private static String codeFor(Exception ex, HttpStatusCode status) {
        if (ex instanceof MissingServletRequestPartException) {
            return "missing_image_part";
        }
        if (ex instanceof MethodArgumentNotValidException) {
            return "invalid_request";
        }
        if (ex instanceof MissingServletRequestParameterException) {
            return "missing_parameter";
        }
        if (ex instanceof MaxUploadSizeExceededException) {
            return "body_too_large";
        }
        HttpStatus known = HttpStatus.resolve(status.value());
        return switch (known == null ? HttpStatus.BAD_REQUEST : known) {
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported_media_type";
            case NOT_FOUND -> "not_found";
            case METHOD_NOT_ALLOWED -> "method_not_allowed";
            case NOT_ACCEPTABLE -> "not_acceptable";
            case CONTENT_TOO_LARGE -> "body_too_large";
            case SERVICE_UNAVAILABLE -> "unavailable";
            default -> status.is5xxServerError() ? "internal_error" : "bad_request";
        };
    }

    private static ResponseEntity<Object> problem(HttpStatus status, String code, String detail, String retryAfter) {
        OutcomeCodes.remember(code);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setProperty(CODE, code);
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status);
        if (retryAfter != null) {
            response.header(HttpHeaders.RETRY_AFTER, retryAfter);
        }
        return response.body(problem);
    }
}
