package dev.resnetserve.api;

/**
 * Where one request's time went, in milliseconds. Each stage is measured once, and feeds the response body and the
 * {@code Server-Timing} header.
 */
public record StageTimings(double decodeMs, double preprocessMs, double queueMs, double inferenceMs,
                           double postprocessMs, double totalMs) {

    static double millis(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

    /** The W3C Server-Timing header value. */
    String serverTimingHeader() {
        return String.format(java.util.Locale.ROOT,
                "decode;dur=%.3f, preprocess;dur=%.3f, queue;dur=%.3f, inference;dur=%.3f, postprocess;dur=%.3f, "
                        + "total;dur=%.3f", decodeMs, preprocessMs, queueMs, inferenceMs, postprocessMs, totalMs);
    }
}
