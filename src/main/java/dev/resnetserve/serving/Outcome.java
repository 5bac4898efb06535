package dev.resnetserve.serving;

import dev.resnetserve.error.ErrorCode;
import java.util.Locale;

/** How a classification request ended, as counted by {@code inference_requests_total{outcome}}. */
public enum Outcome {
    SUCCESS,
    BAD_REQUEST,
    REJECTED,
    TIMEOUT,
    ERROR;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * From the HTTP status and the problem detail's {@code code}, when there is one: a missed deadline is a timeout,
     * unless the request was refused at once on a predicted one (nothing ran; it is rejected like a full queue).
     */
    public static Outcome of(int status, String problemCode, boolean refusedAtOnce) {
        if (status < 400) {
            return SUCCESS;
        }
        if (refusedAtOnce) {
            return REJECTED;
        }
        if (ErrorCode.DEADLINE_EXCEEDED.code().equals(problemCode)) {
            return TIMEOUT;
        }
        if (status == 503 || status == 429) {
            return REJECTED;
        }
        return status < 500 ? BAD_REQUEST : ERROR;
    }
}
