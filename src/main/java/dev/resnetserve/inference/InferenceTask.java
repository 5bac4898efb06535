package dev.resnetserve.inference;

import java.util.concurrent.CompletableFuture;

/** A preprocessed input waiting for a worker, with its deadline, answered through its future. */
final class InferenceTask {

    private final float[] input;
    private final long submittedAtNanos;
    private final long deadlineNanos;
    private final CompletableFuture<InferenceResult> result = new CompletableFuture<>();

    InferenceTask(float[] input, long submittedAtNanos, long deadlineNanos) {
        this.input = input;
        this.submittedAtNanos = submittedAtNanos;
        this.deadlineNanos = deadlineNanos;
    }

    float[] input() {
        return input;
    }

    long submittedAtNanos() {
        return submittedAtNanos;
    }

    boolean expiredAt(long nowNanos) {
        return nowNanos - deadlineNanos >= 0;
    }

    CompletableFuture<InferenceResult> result() {
        return result;
    }
}
