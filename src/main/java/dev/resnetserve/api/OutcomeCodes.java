package dev.resnetserve.api;

import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * The error code an inference request ended with, kept on the request for the outcome filter: it tells a full queue
 * from a missed deadline, both 503s. Every protocol's error handler records its code here.
 */
public final class OutcomeCodes {

    static final String ATTRIBUTE = OutcomeCodes.class.getName() + ".code";

    private OutcomeCodes() {
    }

    public static void remember(String code) {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request != null) {
            request.setAttribute(ATTRIBUTE, code, RequestAttributes.SCOPE_REQUEST);
        }
    }
}
