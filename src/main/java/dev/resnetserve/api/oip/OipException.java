package dev.resnetserve.api.oip;

import org.springframework.http.HttpStatus;

/** A request the Open Inference Protocol endpoints refuse; answered as {@code {"error": message}}. */
class OipException extends RuntimeException {

    private final HttpStatus status;
    private final String code;

    OipException(HttpStatus status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    static OipException badRequest(String code, String message) {
        return new OipException(HttpStatus.BAD_REQUEST, code, message);
    }

    HttpStatus status() {
        return status;
    }

    String code() {
        return code;
    }
}
