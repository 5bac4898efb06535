package dev.resnetserve.api;

import dev.resnetserve.inference.DeadlineExceededException;
import dev.resnetserve.inference.DeviceUnavailableException;
import dev.resnetserve.inference.InferenceFailedException;
import dev.resnetserve.inference.ModelConflictException;
import dev.resnetserve.inference.ModelNotFoundException;
import dev.resnetserve.inference.ModelNotReadyException;
import dev.resnetserve.inference.QueueFullException;
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

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Object> api(ApiException e) {
        return problem(e.status(), e.code(), e.getMessage(), null);
    }

    @ExceptionHandler(InvalidImageException.class)
    ResponseEntity<Object> invalidImage(InvalidImageException e) {
        return problem(HttpStatus.BAD_REQUEST, "undecodable_image", e.getMessage(), null);
    }

    @ExceptionHandler(ImageTooLargeException.class)
    ResponseEntity<Object> imageTooLarge(ImageTooLargeException e) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "image_too_large", e.getMessage(), null);
    }

    @ExceptionHandler(ModelNotFoundException.class)
    ResponseEntity<Object> modelNotFound(ModelNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "model_not_found", e.getMessage(), null);
    }

    @ExceptionHandler(ModelConflictException.class)
    ResponseEntity<Object> conflict(ModelConflictException e) {
        return problem(HttpStatus.CONFLICT, "model_conflict", e.getMessage(), null);
    }

    @ExceptionHandler(DeviceUnavailableException.class)
    ResponseEntity<Object> deviceUnavailable(DeviceUnavailableException e) {
        return problem(HttpStatus.BAD_REQUEST, "device_unavailable", e.getMessage(), null);
    }

    @ExceptionHandler(ModelNotReadyException.class)
    ResponseEntity<Object> modelNotReady(ModelNotReadyException e) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "model_not_ready", e.getMessage(), "5");
    }

    @ExceptionHandler(QueueFullException.class)
    ResponseEntity<Object> queueFull(QueueFullException e) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "queue_full", e.getMessage(), "1");
    }

    @ExceptionHandler(DeadlineExceededException.class)
    ResponseEntity<Object> deadlineExceeded(DeadlineExceededException e) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "deadline_exceeded", e.getMessage(), "1");
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

    @ExceptionHandler(InferenceFailedException.class)
    ResponseEntity<Object> inferenceFailed(InferenceFailedException e) {
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "inference_failed", "the model failed to run; see the "
                + "service log", null);
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
