package dev.resnetserve.config;

import dev.resnetserve.model.resnet.ExplainReference;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code resnet.explain.*}: explanations ({@code POST /v1/models/{m}/explain}).
 *
 * @param maxConcurrent  explanations running at once, over all models; more get 503 {@code explain_busy}; 0 turns
 *                       them off
 * @param occlusionGrid  cells a side of the occlusion map, each hidden in turn: grid^2 + 1 forward passes per explanation
 * @param occlusionBatch occluded inputs queued at once, each such part awaited (and paced) before the next; at
 *                       most the model's batch size
 * @param integratedGradientsSteps path points of integrated gradients: as many forward and backward passes (in
 *                       batches of 4) per explanation
 * @param reference      what occlusion fills a hidden cell from and integrated gradients start from: {@code blur} (the
 *                       image blurred) or {@code mean} (0 after normalisation, a grey)
 * @param shareUnderLoad the most of a worker's time an explanation's parts hold while other requests arrive for the
 *                       model: after a part of d seconds it pauses d (1 - share) / share before the next; 1: never
 */
public record ExplainProperties(
        @Min(0) @Max(64) @DefaultValue("1") int maxConcurrent,
        @Min(2) @Max(32) @DefaultValue("12") int occlusionGrid,
        @Min(1) @Max(64) @DefaultValue("4") int occlusionBatch,
        @Min(1) @Max(256) @DefaultValue("16") int integratedGradientsSteps,
        @NotNull @DefaultValue("blur") ExplainReference reference,

        @DecimalMin(value = "0.05") @DecimalMax(value = "1.0") @DefaultValue("0.5")
        double shareUnderLoad) {}
