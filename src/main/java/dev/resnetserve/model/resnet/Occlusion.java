package dev.resnetserve.model.resnet;

import dev.resnetserve.model.Softmax;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Occlusion (Zeiler and Fergus, 2014) for any model, with forward passes only: the input is divided into a grid of
 * cells; a patch of 2x2 cells filled with 0 after normalisation (the normalisation's mean colour, a neutral grey)
 * slides one cell at a time; each patch's drop of the target's probability is shared by the cells it covers, and a
 * cell's value is the mean drop of the patches over it. Rises count as no drop. Scaled so the largest drop is 1.
 *
 * <p>The caller runs the {@link #inputs} through the model however it runs it (the service through the model's
 * queue, in chunks of its batch size; the localisation experiment directly) and hands the outputs to {@link #map}.
 */
public final class Occlusion {

    private Occlusion() {}

    /** Cells a side for an input of {@code height x width}, {@code requested} at most. */
    public static int grid(int requested, int height, int width) {
        return Math.min(requested, Math.min(height, width));
    }

    /**
     * The inputs to run, {@code [3, height, width]} flattened: {@code input} first, then one per patch position,
     * row by row; {@code (grid - 1)^2 + 1} in all.
     */
    public static List<float[]> inputs(float[] input, int height, int width, int grid) {
        int patches = grid - 1;
        List<float[]> inputs = new ArrayList<>(1 + patches * patches);
        inputs.add(input);
        for (int py = 0; py < patches; py++) {
            for (int px = 0; px < patches; px++) {
                inputs.add(occluded(
                        input,
                        height,
                        width,
                        edge(py, grid, height),
                        edge(py + 2, grid, height),
                        edge(px, grid, width),
                        edge(px + 2, grid, width)));
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
        int patches = grid - 1;
        if (logits.size() != 1 + patches * patches) {
            throw new IllegalArgumentException(
                    "expected " + (1 + patches * patches) + " outputs, got " + logits.size());
        }
        double[] baseline = Softmax.of(logits.get(0));
        int index = target >= 0 ? target : GradCam.argMax(logits.get(0));
        double[] drops = new double[patches * patches];
        for (int i = 0; i < drops.length; i++) {
            drops[i] = Math.max(0, baseline[index] - Softmax.of(logits.get(i + 1))[index]);
        }
        double[] map = new double[grid * grid];
        int[] covered = new int[grid * grid];
        for (int py = 0; py < patches; py++) {
            for (int px = 0; px < patches; px++) {
                for (int dy = 0; dy < 2; dy++) {
                    for (int dx = 0; dx < 2; dx++) {
                        map[(py + dy) * grid + px + dx] += drops[py * patches + px];
                        covered[(py + dy) * grid + px + dx]++;
                    }
                }
            }
        }
        double max = 0;
        for (int cell = 0; cell < map.length; cell++) {
            map[cell] /= covered[cell];
            max = Math.max(max, map[cell]);
        }
        float[] scaled = new float[map.length];
        for (int cell = 0; cell < map.length; cell++) {
            scaled[cell] = max > 0 ? (float) (map[cell] / max) : 0f;
        }
        return new ClassMap(index, logits.get(0).clone(), grid, grid, scaled);
    }

    /** The pixel where cell {@code cell} of {@code grid} begins along a side of {@code size}. */
    private static int edge(int cell, int grid, int size) {
        return (int) Math.round(cell * (double) size / grid);
    }

    private static float[] occluded(float[] input, int h, int w, int top, int bottom, int left, int right) {
        float[] copy = input.clone();
        for (int c = 0; c < 3; c++) {
            for (int y = top; y < bottom; y++) {
                Arrays.fill(copy, c * h * w + y * w + left, c * h * w + y * w + right, 0f);
            }
        }
        return copy;
    }
}
