package dev.resnetserve.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code resnet.explain.*}: explanations ({@code POST /v1/models/{m}/explain}).
 *
 * @param maxConcurrent  explanations running at once, over all models; more get 503 {@code explain_busy}; 0 turns
 *                       them off
 * @param occlusionGrid  cells a side of the occlusion map, each hidden in turn: grid^2 + 1 forward passes per explanation
 * @param integratedGradientsSteps path points of integrated gradients: as many forward and backward passes (in
 *                       batches of 4) per explanation
 */
public record ExplainProperties(
        @Min(0) @Max(64) @DefaultValue("1") int maxConcurrent,
        @Min(2) @Max(32) @DefaultValue("8") int occlusionGrid,
        @Min(1) @Max(256) @DefaultValue("16") int integratedGradientsSteps) {}
