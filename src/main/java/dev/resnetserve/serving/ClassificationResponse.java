package dev.resnetserve.serving;

import dev.resnetserve.inference.Prediction;
import java.util.List;

/** The answer to a classification: the top-k classes, most probable first, and where the time went. */
public record ClassificationResponse(
        String model, String version, String device, List<Prediction> predictions, StageTimings timings) {}
