package dev.resnetserve.api;

import dev.resnetserve.serving.Explanation;

/**
 * The JSON answer of {@code POST /v1/models/{m}/explain}.
 *
 * @param width       columns of the heat map
 * @param height      rows of the heat map
 * @param inputWidth  the preprocessed input's width the map covers
 * @param inputHeight the preprocessed input's height
 * @param heatmap     {@code [height][width]}, rows top to bottom, 0..1
 */
record ExplanationResponse(
        String model,
        String version,
        String method,
        Explanation.Target target,
        int width,
        int height,
        int inputWidth,
        int inputHeight,
        double[][] heatmap) {

    static ExplanationResponse of(Explanation e) {
        return new ExplanationResponse(
                e.model(),
                e.version(),
                e.method().label(),
                e.target(),
                e.width(),
                e.height(),
                e.preprocessing().width(),
                e.preprocessing().height(),
                e.heatmap());
    }
}
