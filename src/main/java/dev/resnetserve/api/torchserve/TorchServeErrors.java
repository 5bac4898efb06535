package dev.resnetserve.api.torchserve;

import dev.resnetserve.api.ApiException;
import dev.resnetserve.api.OutcomeCodes;
import dev.resnetserve.inference.DeadlineExceededException;
import dev.resnetserve.inference.ModelNotFoundException;
import dev.resnetserve.inference.ModelNotReadyException;
import dev.resnetserve.inference.QueueFullException;
import dev.resnetserve.preprocess.ImageTooLargeException;
import dev.resnetserve.preprocess.InvalidImageException;
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
        if (e instanceof ModelNotFoundException) {
            return answer(HttpStatus.NOT_FOUND, "ModelNotFoundException", "model_not_found",
                    "Model not found: " + e.getMessage(), null);
        }
        if (e instanceof ModelNotReadyException) {
            return answer(HttpStatus.SERVICE_UNAVAILABLE, "ServiceUnavailableException", "model_not_ready",
                    e.getMessage(), "5");
        }
        if (e instanceof QueueFullException) {
            return answer(HttpStatus.SERVICE_UNAVAILABLE, "ServiceUnavailableException", "queue_full",
                    e.getMessage(), "1");
        }
        if (e instanceof DeadlineExceededException) {
            return answer(HttpStatus.SERVICE_UNAVAILABLE, "ServiceUnavailableException", "deadline_exceeded",
                    e.getMessage(), "1");
        }
        if (e instanceof InvalidImageException || e instanceof ImageTooLargeException) {
            return answer(HttpStatus.BAD_REQUEST, "BadRequestException", e instanceof InvalidImageException
                    ? "undecodable_image" : "image_too_large", e.getMessage(), null);
        }
        if (e instanceof ApiException api) {
            return answer(api.status(), "BadRequestException", api.code(), api.getMessage(), null);
        }
        if (e instanceof ErrorResponse spring) {
            return answer(spring.getStatusCode(), "BadRequestException", "bad_request",
                    spring.getBody().getDetail(), null);
        }
        log.error("unexpected error in the TorchServe API", e);
        return answer(HttpStatus.INTERNAL_SERVER_ERROR, "InternalServerException", "internal_error",
                "internal error; see the service log", null);
    }

    private static ResponseEntity<Map<String, Object>> answer(HttpStatusCode status, String type, String code,
                                                              String message, String retryAfter) {
        OutcomeCodes.remember(code);
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
