package dev.resnetserve.inference;

import java.util.concurrent.CompletableFuture;

/** A preprocessed input waiting for a worker, with its deadline, answered through its future. */
final class InferenceTask {

    private final float[] input;
    private final ModelJob job; // null: a plain forward pass, batched with others
    private final long submittedAtNanos;
    private final long deadlineNanos;
    private final CompletableFuture<InferenceResult> result = new CompletableFuture<>();

    InferenceTask(float[] input, long submittedAtNanos, long deadlineNanos) {
        this(input, null, submittedAtNanos, deadlineNanos);
    }

    InferenceTask(float[] input, ModelJob job, long submittedAtNanos, long deadlineNanos) {
        this.input = input;
        this.job = job;
        this.submittedAtNanos = submittedAtNanos;
        this.deadlineNanos = deadlineNanos;
    }

    float[] input() {
        return input;
    }

    /** The job to run instead of a batched forward pass; {@code null} for a plain one. */
    ModelJob job() {
        return job;
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
