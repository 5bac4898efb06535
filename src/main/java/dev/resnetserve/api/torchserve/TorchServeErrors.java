package dev.resnetserve.api.torchserve;

import dev.resnetserve.api.OutcomeCodes;
import dev.resnetserve.api.ServiceErrors;
import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import java.util.LinkedHashMap;
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

/** Errors of the TorchServe endpoints in TorchServe's shape: {@code {"code": 404, "type": "...", "message": "..."}}. */
@RestControllerAdvice(assignableTypes = TorchServeController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class TorchServeErrors {

    private static final Logger log = LoggerFactory.getLogger(TorchServeErrors.class);

    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, Object>> error(Exception e) {
        if (e instanceof ServiceException known) {
            ServiceErrors.Failure failure = ServiceErrors.answer(known);
            OutcomeCodes.remember(failure);
            return answer(failure.status(), typeOf(failure.status()), failure.message(), failure.retryAfter());
        }
        if (e instanceof ErrorResponse spring) {
            OutcomeCodes.remember(ErrorCode.BAD_REQUEST.code());
            return answer(
                    spring.getStatusCode(),
                    typeOf(spring.getStatusCode()),
                    spring.getBody().getDetail(),
                    null);
        }
        log.error("unexpected error in the TorchServe API", e);
        OutcomeCodes.remember(ErrorCode.INTERNAL_ERROR.code());
        return answer(
                HttpStatus.INTERNAL_SERVER_ERROR,
                "InternalServerException",
                "internal error; see the service log",
                null);
    }

    /** TorchServe's exception names for the statuses it answers. */
    private static String typeOf(HttpStatusCode status) {
        return switch (status.value()) {
            case 404 -> "ModelNotFoundException";
            case 503 -> "ServiceUnavailableException";
            default -> status.is5xxServerError() ? "InternalServerException" : "BadRequestException";
        };
    }

    private static ResponseEntity<Map<String, Object>> answer(
            HttpStatusCode status, String type, String message, String retryAfter) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", status.value());
        body.put("type", type);
        body.put("message", message == null ? "" : message);
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON);
        if (retryAfter != null) {
            response.header(HttpHeaders.RETRY_AFTER, retryAfter);
        }
        return response.body(body);
    }
}
