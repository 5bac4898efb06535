package dev.resnetserve.serving;

import dev.resnetserve.preprocess.PreprocessingSpec;

/**
 * Where a model looked for one class: a heat map over its preprocessed input, rows top to bottom, values 0..1 (1
 * where the evidence for the class is strongest).
 *
 * @param model       the model's name
 * @param version     the version that answered
 * @param method      how the map was made
 * @param target      the class explained, with the probability the model gave it
 * @param heatmap     {@code [rows][columns]}, 0..1
 * @param input       the preprocessed input, {@code [3, H, W]} normalised, for the overlay
 * @param preprocessing how the input was made (its size, mean and std)
 */
public record Explanation(
        String model,
        String version,
        ExplainMethod method,
        Target target,
        double[][] heatmap,
        float[] input,
        PreprocessingSpec preprocessing) {

    /** The class explained. */
    public record Target(int index, String label, double probability) {}

    /** Columns of the heat map. */
    public int width() {
        return heatmap[0].length;
    }

    /** Rows of the heat map. */
    public int height() {
        return heatmap.length;
    }

    /** The heat map over the preprocessed input, as a PNG of the input's size. */
    public byte[] overlayPng() {
        return HeatMapImage.overlayPng(this);
    }
}
