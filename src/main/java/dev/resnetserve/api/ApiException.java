package dev.resnetserve.api;

import org.springframework.http.HttpStatus;

/** A request the API refuses, with the HTTP status and the stable {@code code} of its problem detail. */
class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String code;

    ApiException(HttpStatus status, String code, String detail) {
        super(detail);
        this.status = status;
        this.code = code;
    }

    HttpStatus status() {
        return status;
    }

    String code() {
        return code;
    }
}
