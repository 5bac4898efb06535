package dev.resnetserve.api;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
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

    /** The serving path's own failures, answered from their {@link ErrorCode} by {@link ServiceErrors}. */
    @ExceptionHandler(ServiceException.class)
    ResponseEntity<Object> known(ServiceException e) {
        ServiceErrors.Failure failure = ServiceErrors.answer(e);
        OutcomeCodes.remember(failure);
        return problem(failure.status(), failure.code(), failure.message(), failure.retryAfter());
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<Object> badMultipart(MultipartException e) {
        if (e instanceof MaxUploadSizeExceededException tooLarge) {
            return problem(
                    ErrorCode.BODY_TOO_LARGE,
                    "the upload is larger than the limit of " + tooLarge.getMaxUploadSize() + " bytes");
        }
        return problem(ErrorCode.INVALID_MULTIPART, "the multipart body could not be read");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> badParameter(MethodArgumentTypeMismatchException e) {
        return problem(ErrorCode.INVALID_PARAMETER, "the parameter '" + e.getName() + "' has an invalid value");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e) {
        log.error("unexpected error", e);
        return problem(ErrorCode.INTERNAL_ERROR, "an unexpected error occurred; see the service log");
    }

    /** Bean validation of a request body: which fields, and why. */
    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String detail = ex.getBindingResult().getFieldErrors().stream()
                .map(error -> error.getField() + ": " + error.getDefaultMessage())
                .sorted()
                .collect(java.util.stream.Collectors.joining("; "));
        return problem(ErrorCode.INVALID_REQUEST, detail.isEmpty() ? "invalid request" : detail);
    }

    /** Spring MVC's own errors (415, 405, 404, missing part...) get a {@code code} too. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception ex, Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
        ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (response != null
                && response.getBody() instanceof ProblemDetail problem
                && (problem.getProperties() == null || !problem.getProperties().containsKey(CODE))) {
            problem.setProperty(CODE, codeFor(ex, statusCode).code());
            OutcomeCodes.remember((String) problem.getProperties().get(CODE));
        }
        return response;
    }

    private static ErrorCode codeFor(Exception ex, HttpStatusCode status) {
        if (ex instanceof MissingServletRequestPartException) {
            return ErrorCode.MISSING_IMAGE_PART;
        }
        if (ex instanceof MethodArgumentNotValidException) {
            return ErrorCode.INVALID_REQUEST;
        }
        if (ex instanceof MissingServletRequestParameterException) {
            return ErrorCode.MISSING_PARAMETER;
        }
        if (ex instanceof MaxUploadSizeExceededException) {
            return ErrorCode.BODY_TOO_LARGE;
        }
        HttpStatus known = HttpStatus.resolve(status.value());
        return switch (known == null ? HttpStatus.BAD_REQUEST : known) {
            case UNSUPPORTED_MEDIA_TYPE -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case NOT_FOUND -> ErrorCode.NOT_FOUND;
            case METHOD_NOT_ALLOWED -> ErrorCode.METHOD_NOT_ALLOWED;
            case NOT_ACCEPTABLE -> ErrorCode.NOT_ACCEPTABLE;
            case CONTENT_TOO_LARGE -> ErrorCode.BODY_TOO_LARGE;
            case SERVICE_UNAVAILABLE -> ErrorCode.UNAVAILABLE;
            default -> status.is5xxServerError() ? ErrorCode.INTERNAL_ERROR : ErrorCode.BAD_REQUEST;
        };
    }

    /** A failure of the web layer's own, with the status of its code and no {@code Retry-After}. */
    private static ResponseEntity<Object> problem(ErrorCode code, String detail) {
        OutcomeCodes.remember(code.code());
        return problem(ServiceErrors.status(code), code.code(), detail, null);
    }

    private static ResponseEntity<Object> problem(HttpStatus status, String code, String detail, String retryAfter) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setProperty(CODE, code);
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status);
        if (retryAfter != null) {
            response.header(HttpHeaders.RETRY_AFTER, retryAfter);
        }
        return response.body(problem);
    }
}
