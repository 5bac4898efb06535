package dev.resnetserve.serving;

import java.util.List;
import java.util.Locale;

/**
 * The stages of a classification, in order, and the one name each has outside: the {@code Server-Timing} metric,
 * the {@code stage} tag of {@code inference_stage_duration_seconds}, the stage observation's {@code stage} key and
 * contextual name ({@code classify decode}), and, with {@code Ms}, the response's field ({@code decodeMs}).
 */
public enum Stage {

    /** The image's bytes to pixels, on the request thread. */
    DECODE,
    /** Pixels to the model's input tensor, on the request thread. */
    PREPROCESS,
    /** Waiting for a worker and for a batch to form. */
    QUEUE,
    /** The forward pass of the request's batch, including stacking inputs and reading outputs. */
    INFERENCE,
    /** Softmax and top-k, on the request thread. */
    POSTPROCESS,
    /** The whole request as the classifier saw it; not a part of it. */
    TOTAL;

    private static final List<Stage> PARTS = List.of(DECODE, PREPROCESS, QUEUE, INFERENCE, POSTPROCESS);

    private final String label = name().toLowerCase(Locale.ROOT);

    /** The stage's name outside: {@code decode}, {@code preprocess}... */
    public String label() {
        return label;
    }

    /** The stages a request goes through, without {@link #TOTAL}: those the stage histogram has. */
    public static List<Stage> parts() {
        return PARTS;
    }
}
