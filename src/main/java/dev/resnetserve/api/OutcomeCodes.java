package dev.resnetserve.api;

import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * The error code an inference request ended with, kept on the request for the outcome filter: it tells a full queue
 * from a missed deadline, both 503s, and a refusal at once from a request dropped late. Every protocol's error
 * handler records its code here, and every adapter the version that served the request.
 */
public final class OutcomeCodes {

    static final String ATTRIBUTE = OutcomeCodes.class.getName() + ".code";
    static final String REFUSED_AT_ONCE = OutcomeCodes.class.getName() + ".refusedAtOnce";
    static final String VERSION = OutcomeCodes.class.getName() + ".version";

    private OutcomeCodes() {}

    public static void remember(String code) {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request != null) {
            request.setAttribute(ATTRIBUTE, code, RequestAttributes.SCOPE_REQUEST);
        }
    }

    /**
     * The version chosen to serve the request ({@code Classifier.route}), for the {@code version} label of its
     * outcome: every adapter records it as soon as it has it, so failures after the choice count for that version.
     */
    public static void rememberVersion(String version) {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request != null) {
            request.setAttribute(VERSION, version, RequestAttributes.SCOPE_REQUEST);
        }
    }

    /** A service failure's code, and whether the request was refused before any work on it began. */
    public static void remember(ServiceErrors.Failure failure) {
        remember(failure.code());
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request != null && failure.refusedAtOnce()) {
            request.setAttribute(REFUSED_AT_ONCE, Boolean.TRUE, RequestAttributes.SCOPE_REQUEST);
        }
    }
}
