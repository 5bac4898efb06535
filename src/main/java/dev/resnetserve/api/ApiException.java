package dev.resnetserve.api;

import org.springframework.http.HttpStatus;

/** A request the API refuses, with the HTTP status and the stable {@code code} of its problem detail. */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String code;

    public ApiException(HttpStatus status, String code, String detail) {
        super(detail);
        this.status = status;
        this.code = code;
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }
}
