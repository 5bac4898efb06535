package dev.resnetserve.api.oip;

import dev.resnetserve.api.OutcomeCodes;
import dev.resnetserve.api.ServiceErrors;
import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Errors of the v2 endpoints as the protocol has them, {@code {"error": "..."}}, with the statuses of
 * {@link ServiceErrors}: 400 for a bad request, 404 for an unknown model or version, 503 with {@code Retry-After}
 * when the model is busy or not ready; never internals.
 */
@RestControllerAdvice(assignableTypes = OipController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class OipErrors {

    private static final Logger log = LoggerFactory.getLogger(OipErrors.class);

    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, String>> error(Exception e) {
        if (e instanceof ServiceException known) {
            ServiceErrors.Failure failure = ServiceErrors.answer(known);
            OutcomeCodes.remember(failure);
            return answer(failure.status(), failure.message(), failure.retryAfter());
        }
        if (e instanceof ErrorResponse spring) {
            OutcomeCodes.remember(ErrorCode.BAD_REQUEST.code());
            return answer(spring.getStatusCode(), spring.getBody().getDetail(), null);
        }
        log.error("unexpected error in the v2 API", e);
        OutcomeCodes.remember(ErrorCode.INTERNAL_ERROR.code());
        return answer(HttpStatus.INTERNAL_SERVER_ERROR, "internal error; see the service log", null);
    }

    private static ResponseEntity<Map<String, String>> answer(
            HttpStatusCode status, String message, String retryAfter) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON);
        if (retryAfter != null) {
            response.header(HttpHeaders.RETRY_AFTER, retryAfter);
        }
        return response.body(Map.of("error", message == null ? status.toString() : message));
    }
}
