package dev.resnetserve.serving;

import dev.resnetserve.inference.InferenceResult;

/**
 * One image through every stage: the model's output, its softmax, and where the time went.
 *
 * @param result        logits and where they were computed
 * @param probabilities softmax of the logits, one per class
 * @param timings       the stages of this image, the request's total
 */
public record Classified(InferenceResult result, double[] probabilities, StageTimings timings) {}
