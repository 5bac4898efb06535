package dev.resnetserve.model.resnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.util.function.UnaryOperator;

/**
 * Integrated gradients (Sundararajan et al., 2017) of a network this project built: the gradient of the target's
 * logit with respect to the input, averaged along the straight path from a baseline (the service's
 * {@link ExplainReference}: the image blurred, or 0 after normalisation, the mean colour; {@code null} here is 0) to
 * the input, times the input's difference from the baseline. The path integral is
 * a midpoint Riemann sum of {@code steps} points, run {@link #CHUNK} at a time. Attributions sum, over every pixel
 * and channel, to the logit's change from the baseline to the input (completeness), up to the sum's error.
 *
 * <p>As {@link GradCam}, grad mode is switched on for the passes that need it and the thread's own mode given back,
 * and {@code JniUtils.backward} is called directly instead of through DJL's one-per-process gradient collector.
 */
public final class IntegratedGradients {

    /** Path points per forward and backward pass. */
    public static final int CHUNK = 4;

    private IntegratedGradients() {}

    /**
     * The attributions of {@code input} ({@code [3, H, W]} flattened, {@code shape} its {@code [1, 3, H, W]}) for
     * {@code target} (negative: the top-1 class): the logits, the target, and the signed attribution of every input
     * element, {@code [3, H, W]} flattened.
     */
    public record Attributions(int target, float[] logits, float[] values) {

        /**
         * The attributions from the gradients summed over all {@code steps} path points ({@link #pathGradients}):
         * their mean times the input's difference from {@code baseline} ({@code null}: 0), element by element. The service sums the
         * parts its workers return and the direct path sums them on the engine; both end here.
         */
        public static Attributions of(
                int target, float[] logits, float[] gradientSum, float[] input, float[] baseline, int steps) {
            float[] values = new float[input.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = gradientSum[i] / steps * (input[i] - (baseline == null ? 0 : baseline[i]));
            }
            return new Attributions(target, logits, values);
        }
    }

    public static Attributions attributions(
            Block net, NDManager manager, float[] input, long[] shape, int target, int steps) {
        return attributions(forward(net), manager, input, null, shape, target, steps);
    }

    /**
     * As above, for a network given as its forward pass from inputs {@code [N, 3, H, W]} to logits {@code [N,
     * classes]}, which must record the operations for autograd when libtorch's grad mode is on.
     */
    static Attributions attributions(
            UnaryOperator<NDArray> net,
            NDManager manager,
            float[] input,
            float[] baseline,
            long[] shape,
            int target,
            int steps) {
        boolean gradMode = JniUtils.isGradMode();
        try (NDManager scope = manager.newSubManager()) {
            JniUtils.setGradMode(false);
            NDArray x = scope.create(input, new Shape(shape));
            float[] logits = net.apply(x).toFloatArray();
            int chosen = target >= 0 ? target : GradCam.argMax(logits);
            NDArray b = baseline(scope, baseline, shape);
            NDArray gradientSum = scope.zeros(new Shape(shape));
            for (int from = 0; from < steps; from += CHUNK) {
                gradientSum.addi(pathGradients(net, scope, x, b, chosen, from, Math.min(CHUNK, steps - from), steps));
            }
            return Attributions.of(chosen, logits, gradientSum.toFloatArray(), input, baseline, steps);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /**
     * The gradients of {@code target}'s logit at path points {@code from} to {@code from + count - 1} of
     * {@code steps} (midpoints), summed: one forward and backward pass of {@code count} inputs, the part of
     * {@link #attributions} a worker runs as one job when the service splits an explanation (so classification
     * batches run between its parts). {@code input} is {@code [3, H, W]} flattened, {@code shape} its {@code [1, 3, H,
     * W]}; the result has {@code input}'s length; every array in a sub-manager of {@code manager}, closed.
     */
    public static float[] pathGradients(
            UnaryOperator<NDArray> net,
            NDManager manager,
            float[] input,
            float[] baseline,
            long[] shape,
            int target,
            int from,
            int count,
            int steps) {
        boolean gradMode = JniUtils.isGradMode();
        try (NDManager scope = manager.newSubManager()) {
            return pathGradients(
                            net,
                            scope,
                            scope.create(input, new Shape(shape)),
                            baseline(scope, baseline, shape),
                            target,
                            from,
                            count,
                            steps)
                    .toFloatArray();
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /**
     * A block's forward pass as {@link #attributions(UnaryOperator, NDManager, float[], float[], long[], int, int)}
     * takes it.
     */
    static UnaryOperator<NDArray> forward(Block net) {
        return x -> net.forward(new ParameterStore(x.getManager(), false), new NDList(x), false)
                .singletonOrThrow();
    }

    /** {@code baseline} as an array of {@code shape} in {@code scope}; {@code null}: zeros. */
    private static NDArray baseline(NDManager scope, float[] baseline, long[] shape) {
        return baseline == null ? scope.zeros(new Shape(shape)) : scope.create(baseline, new Shape(shape));
    }

    /** The summed gradient of a chunk of path points, {@code [1, 3, H, W]}, in {@code scope}. */
    private static NDArray pathGradients(
            UnaryOperator<NDArray> net,
            NDManager scope,
            NDArray x,
            NDArray baseline,
            int target,
            int from,
            int count,
            int steps) {
        float[] alphas = new float[count];
        for (int i = 0; i < count; i++) {
            alphas[i] = (from + i + 0.5f) / steps;
        }
        try (NDManager step = scope.newSubManager()) {
            JniUtils.setGradMode(false);
            NDArray delta = x.sub(baseline);
            delta.attach(step); // made in x's manager; freed with this step
            NDArray path = step.create(alphas)
                    .reshape(count, 1, 1, 1)
                    .mul(delta)
                    .add(baseline); // baseline + alpha (x - baseline)
            JniUtils.setGradMode(true);
            path.setRequiresGradient(true);
            NDArray out = net.apply(path);
            NDArray score = out.get(":, " + target).sum();
            JniUtils.backward((PtNDArray) score, (PtNDArray) step.ones(score.getShape()), false, false);
            JniUtils.setGradMode(false);
            NDArray summed = path.getGradient().sum(new int[] {0}, true);
            summed.attach(scope);
            return summed;
        }
    }

    /**
     * A heat map of {@code attributions}: each pixel's attributions summed over the channels, their magnitude
     * averaged over a {@code grid x grid} division of the input, scaled to a maximum of 1.
     */
    public static ClassMap map(Attributions attributions, int height, int width, int grid) {
        float[] a = attributions.values();
        int plane = height * width;
        float[] cells = new float[grid * grid];
        int[] counts = new int[grid * grid];
        for (int y = 0; y < height; y++) {
            int row = y * grid / height;
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                float pixel = Math.abs(a[i] + a[plane + i] + a[2 * plane + i]);
                int cell = row * grid + x * grid / width;
                cells[cell] += pixel;
                counts[cell]++;
            }
        }
        float max = 0;
        for (int c = 0; c < cells.length; c++) {
            cells[c] /= Math.max(1, counts[c]);
            max = Math.max(max, cells[c]);
        }
        if (max > 0) {
            for (int c = 0; c < cells.length; c++) {
                cells[c] /= max;
            }
        }
        return new ClassMap(attributions.target(), attributions.logits(), grid, grid, cells);
    }
}
