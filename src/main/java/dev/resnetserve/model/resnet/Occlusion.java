package dev.resnetserve.model.resnet;

import dev.resnetserve.model.Softmax;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Occlusion (Zeiler and Fergus, 2014) for any model, with forward passes only: the input is divided into a grid of
 * cells, and each cell in turn is filled from a reference (the service's {@link ExplainReference}: by default the
 * image blurred, else 0 after normalisation, the mean colour, a neutral grey); a cell's value is the drop of the target's probability when it alone is hidden. Rises count as no drop.
 * Scaled so the largest drop is 1. Each cell is hidden on its own, not in overlapping patches of several cells: a
 * patch's drop shared by the cells it covers spreads a small object's mass into its neighbours (measured on the
 * demo: 2x2-cell patches sliding one cell put 0.41 of the map's mass in the shape's box, single cells 0.47;
 * docs/explain.md).
 *
 * <p>The caller runs the {@link #inputs} through the model however it runs it (the service through the model's
 * queue, in parts of {@code resnet.explain.occlusion-batch}; the localisation experiment directly) and hands the
 * outputs to {@link #map}.
 */
public final class Occlusion {

    private Occlusion() {}

    /** Cells a side for an input of {@code height x width}, {@code requested} at most. */
    public static int grid(int requested, int height, int width) {
        return Math.min(requested, Math.min(height, width));
    }

    /**
     * The inputs to run, {@code [3, height, width]} flattened: {@code input} first, then one per cell hidden, row by
     * row; {@code grid^2 + 1} in all.
     */
    public static List<float[]> inputs(float[] input, int height, int width, int grid) {
        return inputs(input, height, width, grid, null);
    }

    /**
     * As {@link #inputs(float[], int, int, int)}, each cell filled from {@code fill} (the same shape as {@code
     * input}: a blurred copy, say) instead of with 0; {@code null}: with 0.
     */
    public static List<float[]> inputs(float[] input, int height, int width, int grid, float[] fill) {
        if (fill != null && fill.length != input.length) {
            throw new IllegalArgumentException("a fill of " + fill.length + " values for an input of " + input.length);
        }
        List<float[]> inputs = new ArrayList<>(1 + grid * grid);
        inputs.add(input);
        for (int row = 0; row < grid; row++) {
            for (int column = 0; column < grid; column++) {
                inputs.add(occluded(
                        input,
                        fill,
                        height,
                        width,
                        edge(row, grid, height),
                        edge(row + 1, grid, height),
                        edge(column, grid, width),
                        edge(column + 1, grid, width)));
            }
        }
        return inputs;
    }

    /**
     * The map from the model's outputs for the {@link #inputs}, in their order.
     *
     * @param target the class to explain; negative: the top-1 class of the unaltered input
     */
    public static ClassMap map(List<float[]> logits, int target, int grid) {
        if (logits.size() != 1 + grid * grid) {
            throw new IllegalArgumentException("expected " + (1 + grid * grid) + " outputs, got " + logits.size());
        }
        double[] baseline = Softmax.of(logits.get(0));
        int index = target >= 0 ? target : GradCam.argMax(logits.get(0));
        double[] drops = new double[grid * grid];
        double max = 0;
        for (int cell = 0; cell < drops.length; cell++) {
            drops[cell] = Math.max(0, baseline[index] - Softmax.of(logits.get(cell + 1))[index]);
            max = Math.max(max, drops[cell]);
        }
        float[] scaled = new float[drops.length];
        for (int cell = 0; cell < drops.length; cell++) {
            scaled[cell] = max > 0 ? (float) (drops[cell] / max) : 0f;
        }
        return new ClassMap(index, logits.get(0).clone(), grid, grid, scaled);
    }

    /** The pixel where cell {@code cell} of {@code grid} begins along a side of {@code size}. */
    private static int edge(int cell, int grid, int size) {
        return (int) Math.round(cell * (double) size / grid);
    }

    private static float[] occluded(
            float[] input, float[] fill, int h, int w, int top, int bottom, int left, int right) {
        float[] copy = input.clone();
        for (int c = 0; c < 3; c++) {
            for (int y = top; y < bottom; y++) {
                int from = c * h * w + y * w + left;
                if (fill == null) {
                    Arrays.fill(copy, from, c * h * w + y * w + right, 0f);
                } else {
                    System.arraycopy(fill, from, copy, from, right - left);
                }
            }
        }
        return copy;
    }
}
