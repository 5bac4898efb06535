package dev.resnetserve.inference;

/**
 * One request's model output and where its time went on the inference side.
 *
 * @param logits         the model's output row for this request
 * @param device         the device that ran it, e.g. {@code cpu()} or {@code gpu(1)}
 * @param batchSize      how many requests shared the forward pass
 * @param queueNanos     from submission to the start of its batch
 * @param inferenceNanos the forward pass of its batch, including stacking inputs and reading outputs
 */
public record InferenceResult(float[] logits, String device, int batchSize, long queueNanos, long inferenceNanos) {}
