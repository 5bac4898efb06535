package dev.resnetserve.serving;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import dev.resnetserve.inference.DeadlineExceededException;
import dev.resnetserve.inference.InferenceResult;
import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.inference.TopK;
import dev.resnetserve.model.Labels;
import dev.resnetserve.model.resnet.ClassMap;
import dev.resnetserve.preprocess.ImageDecoder;
import dev.resnetserve.preprocess.PreprocessingSpec;
import dev.resnetserve.preprocess.Preprocessor;
import dev.resnetserve.preprocess.RgbImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Explains one prediction with a heat map: which parts of the preprocessed input the model's answer for a class
 * rests on. Checks everything a request names before it costs anything (model, method, target), takes a place in
 * the {@link ExplainBudget}, then room in the model's queue, and only then reads and decodes the image as
 * {@link Classifier} does. Every forward or backward pass goes through the model's queue to its workers, in chunks
 * no larger than its batch size, so explanations share the workers with classification under the same admission;
 * the whole explanation keeps the model's {@code request-timeout}, whatever number of chunks it takes.
 */
public final class Explainer {

    /** Cells a side of an integrated-gradients map (it has a value per pixel; the answer pools them). */
    static final int ATTRIBUTION_GRID = 16;

    private final Classifier classifier;
    private final ImageDecoder decoder;
    private final Preprocessor preprocessor;
    private final ExplainBudget budget;
    private final int occlusionGrid;
    private final int pathSteps;

    /**
     * @param occlusionGrid cells a side of an occlusion map
     * @param pathSteps     path points of integrated gradients
     */
    public Explainer(
            Classifier classifier,
            ImageDecoder decoder,
            Preprocessor preprocessor,
            ExplainBudget budget,
            int occlusionGrid,
            int pathSteps) {
        this.classifier = classifier;
        this.decoder = decoder;
        this.preprocessor = preprocessor;
        this.budget = budget;
        this.occlusionGrid = occlusionGrid;
        this.pathSteps = pathSteps;
    }

    /** The image of a request, read only once the explanation may run (a raw body, a multipart part). */
    @FunctionalInterface
    public interface ImageBody {
        byte[] read() throws IOException;
    }

    /**
     * @param version {@code null}: the model's default version
     * @param target  the class to explain; {@code null}: the model's top-1 class for the image
     * @param method  {@code grad-cam}, {@code integrated-gradients} or {@code occlusion}; {@code null}: Grad-CAM
     *                where the model allows it, else occlusion
     */
    public Explanation explain(String modelName, String version, ImageBody body, Integer target, String method)
            throws IOException {
        ServedModel model = classifier.require(modelName, version);
        Labels labels = classifier.labels(model);
        ExplainMethod chosen = choose(model, method);
        if (target != null && (target < 0 || target >= labels.size())) {
            throw new ServiceException(
                    ErrorCode.INVALID_PARAMETER,
                    "target must be a class index from 0 to " + (labels.size() - 1) + ", got " + target);
        }
        try (ExplainBudget.Permit permit = budget.acquire()) {
            long deadline =
                    System.nanoTime() + model.scheduling().requestTimeout().toNanos();
            // room in the model's queue for what it will queue at once, checked before any decoding
            model.admit(chosen == ExplainMethod.OCCLUSION ? Math.max(1, model.batchMaxSize()) : 1);
            float[] input = preprocess(model, body.read());
            return switch (chosen) {
                case GRAD_CAM ->
                    mapped(model, labels, chosen, input, model.gradCam(input, target == null ? -1 : target));
                case INTEGRATED_GRADIENTS ->
                    mapped(
                            model,
                            labels,
                            chosen,
                            input,
                            model.integratedGradients(
                                    input, target == null ? -1 : target, pathSteps, ATTRIBUTION_GRID));
                case OCCLUSION -> occlusion(model, labels, input, target, deadline);
            };
        }
    }

    private static ExplainMethod choose(ServedModel model, String method) {
        boolean gradients = model.supportsGradients();
        if (method == null || method.isBlank()) {
            return gradients ? ExplainMethod.GRAD_CAM : ExplainMethod.OCCLUSION;
        }
        ExplainMethod named = ExplainMethod.named(method);
        if (named.needsGradients() && !gradients) {
            throw new ServiceException(
                    ErrorCode.UNSUPPORTED_METHOD,
                    "model '" + model.name() + "' cannot be explained with " + named.label() + ": only networks "
                            + "trained by this service can be run with gradients here; use method=occlusion");
        }
        return named;
    }

    private float[] preprocess(ServedModel model, byte[] image) {
        PreprocessingSpec spec = model.preprocessing();
        OptionalLong deadline = OptionalLong.of(
                System.nanoTime() + model.scheduling().requestTimeout().toNanos());
        RgbImage rgb = decoder.decode(image, spec.alpha(), spec.background(), deadline);
        return preprocessor.toTensor(rgb, spec);
    }

    private Explanation mapped(
            ServedModel model,
            Labels labels,
            ExplainMethod method,
            float[] input,
            java.util.concurrent.CompletableFuture<ClassMap> pending) {
        ClassMap result = Classifier.await(pending, model.scheduling().requestTimeout());
        double[] probabilities = TopK.softmax(result.logits());
        double[][] map = new double[result.height()][result.width()];
        for (int row = 0; row < result.height(); row++) {
            for (int col = 0; col < result.width(); col++) {
                map[row][col] = result.map()[row * result.width() + col];
            }
        }
        return explanation(model, labels, method, result.target(), probabilities, map, input);
    }

    /**
     * Occlusion (Zeiler and Fergus, 2014) on a grid of {@code occlusionGrid} cells a side: a patch of 2x2 cells,
     * filled with 0 after normalisation (the normalisation's mean colour, a neutral grey), slides one cell at a time;
     * each patch's drop of the target's probability is shared by the cells it covers, and a cell's value is the mean
     * drop of the patches over it. Rises count as no drop. Scaled so the largest drop is 1.
     */
    private Explanation occlusion(ServedModel model, Labels labels, float[] input, Integer target, long deadline) {
        PreprocessingSpec spec = model.preprocessing();
        int h = spec.height();
        int w = spec.width();
        int grid = Math.min(occlusionGrid, Math.min(h, w));
        int patches = grid - 1;
        List<float[]> inputs = new ArrayList<>(1 + patches * patches);
        inputs.add(input);
        for (int py = 0; py < patches; py++) {
            for (int px = 0; px < patches; px++) {
                inputs.add(occluded(
                        input,
                        h,
                        w,
                        edge(py, grid, h),
                        edge(py + 2, grid, h),
                        edge(px, grid, w),
                        edge(px + 2, grid, w)));
            }
        }
        double[] baseline = null;
        double[] drops = new double[patches * patches];
        int chunk = Math.max(1, model.batchMaxSize());
        int index = -1;
        for (int from = 0; from < inputs.size(); from += chunk) {
            if (System.nanoTime() - deadline >= 0) {
                throw new DeadlineExceededException(); // the whole explanation keeps the request's deadline
            }
            List<InferenceResult> results =
                    classifier.infer(model, inputs.subList(from, Math.min(inputs.size(), from + chunk)));
            for (int i = 0; i < results.size(); i++) {
                double[] p = TopK.softmax(results.get(i).logits());
                if (from + i == 0) {
                    baseline = p;
                    index = target != null ? target : argMax(p);
                } else {
                    drops[from + i - 1] = Math.max(0, baseline[index] - p[index]);
                }
            }
        }
        double[][] map = new double[grid][grid];
        int[][] covered = new int[grid][grid];
        for (int py = 0; py < patches; py++) {
            for (int px = 0; px < patches; px++) {
                for (int dy = 0; dy < 2; dy++) {
                    for (int dx = 0; dx < 2; dx++) {
                        map[py + dy][px + dx] += drops[py * patches + px];
                        covered[py + dy][px + dx]++;
                    }
                }
            }
        }
        double max = 0;
        for (int row = 0; row < grid; row++) {
            for (int col = 0; col < grid; col++) {
                map[row][col] /= covered[row][col];
                max = Math.max(max, map[row][col]);
            }
        }
        if (max > 0) {
            for (double[] row : map) {
                for (int col = 0; col < row.length; col++) {
                    row[col] /= max;
                }
            }
        }
        return explanation(model, labels, ExplainMethod.OCCLUSION, index, baseline, map, input);
    }

    /** The pixel where cell {@code cell} of {@code grid} begins along a side of {@code size}. */
    private static int edge(int cell, int grid, int size) {
        return (int) Math.round(cell * (double) size / grid);
    }

    private static float[] occluded(float[] input, int h, int w, int top, int bottom, int left, int right) {
        float[] copy = input.clone();
        for (int c = 0; c < 3; c++) {
            for (int y = top; y < bottom; y++) {
                java.util.Arrays.fill(copy, c * h * w + y * w + left, c * h * w + y * w + right, 0f);
            }
        }
        return copy;
    }

    private static Explanation explanation(
            ServedModel model,
            Labels labels,
            ExplainMethod method,
            int target,
            double[] probabilities,
            double[][] map,
            float[] input) {
        return new Explanation(
                model.name(),
                model.spec().version(),
                method,
                new Explanation.Target(target, labels.name(target), probabilities[target]),
                map,
                input,
                model.preprocessing());
    }

    private static int argMax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
