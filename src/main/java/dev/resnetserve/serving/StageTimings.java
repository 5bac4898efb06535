package dev.resnetserve.serving;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where one request's time went, in milliseconds, one component per {@link Stage} in its order (the response's
 * {@code decodeMs}...). Each stage is measured once, by a {@link StageClock}, and feeds the response body, the
 * {@code Server-Timing} header and the stage histogram.
 */
public record StageTimings(
        double decodeMs,
        double preprocessMs,
        double queueMs,
        double inferenceMs,
        double postprocessMs,
        double totalMs) {

    /** From each stage's nanoseconds, indexed by {@link Stage#ordinal()}. */
    static StageTimings ofNanos(long[] nanos) {
        return new StageTimings(
                millis(nanos[Stage.DECODE.ordinal()]),
                millis(nanos[Stage.PREPROCESS.ordinal()]),
                millis(nanos[Stage.QUEUE.ordinal()]),
                millis(nanos[Stage.INFERENCE.ordinal()]),
                millis(nanos[Stage.POSTPROCESS.ordinal()]),
                millis(nanos[Stage.TOTAL.ordinal()]));
    }

    static double millis(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

    /** One stage's milliseconds. */
    public double millis(Stage stage) {
        return switch (stage) {
            case DECODE -> decodeMs;
            case PREPROCESS -> preprocessMs;
            case QUEUE -> queueMs;
            case INFERENCE -> inferenceMs;
            case POSTPROCESS -> postprocessMs;
            case TOTAL -> totalMs;
        };
    }

    /** The W3C Server-Timing header value: every stage, in order, {@code decode;dur=1.234, ...}. */
    public String serverTimingHeader() {
        return Arrays.stream(Stage.values())
                .map(stage -> String.format(Locale.ROOT, "%s;dur=%.3f", stage.label(), millis(stage)))
                .collect(Collectors.joining(", "));
    }
}
