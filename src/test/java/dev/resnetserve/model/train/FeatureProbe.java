package dev.resnetserve.model.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import dev.resnetserve.model.ModelArtifact;
import dev.resnetserve.model.ModelLoader;
import dev.resnetserve.model.ModelSpec;
import dev.resnetserve.preprocess.ImageDecoder;
import dev.resnetserve.preprocess.ImageLimits;
import dev.resnetserve.preprocess.PreprocessingSpec;
import dev.resnetserve.preprocess.Preprocessor;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A measurement, not a test (bench/feature-probe.sh; docs/transfer-learning.md, "Would other features do
 * better?"): on the data of {@code experiment transfer} (the four new shapes, 20 images each from set 1001 split as
 * fine-tuning splits them, dihedral views; 200 test images from set 1002), classifiers on several features of the
 * demo's last two stages: globally max-pooled (what head mode trains on), max- and average-pooled, and max-pooled to
 * a 2x2 or 3x3 grid (keeping where in the image a feature fired); a linear head (softmax regression, full-batch Adam
 * 0.01, 400 steps, L2 weight decay) and a head with one hidden layer of 64 ReLUs; and each scored on the test image
 * alone or averaged over its 8 dihedral views (test-time augmentation).
 */
final class FeatureProbe {

    private static final int CLASSES = ShapeGenerator.NOVEL_CLASSES.size();
    private static final int HIDDEN = 64;

    private FeatureProbe() {}

    /** One view's activations: [stage][channel][y * w + x], and each stage's map side. */
    private record Maps(float[][][] stages, int[] sides) {}

    private record Features(String name, Function<Maps, float[]> of) {}

    public static void main(String[] args) throws Exception {
        String location = args.length > 0 ? args[0] : "classpath:models/demo";
        System.setProperty("ai.djl.offline", "true");
        ModelLoader loader = ModelLoader.standalone(Files.createTempDirectory("feature-probe"));
        ModelSpec spec = ModelSpec.asFilesSay("base", location);
        ModelArtifact artifact = loader.locate(spec);
        PreprocessingSpec p =
                artifact.descriptor().orElseThrow().preprocessing().orElseThrow();
        TrainingSet set = TrainingSet.split(TransferExperiment.images(1001, 80), 0.15, 1001);
        List<LabelledImage> test = TransferExperiment.images(1002, 200);
        List<Features> variants = List.of(
                new Features("stage 4 global max (head mode's)", m -> grid(m, 1, 1, true)),
                new Features("stage 4 global max + mean", m -> join(grid(m, 1, 1, true), grid(m, 1, 1, false))),
                new Features("stage 4 max on 2x2", m -> grid(m, 1, 2, true)),
                new Features("stage 4 max on 3x3", m -> grid(m, 1, 3, true)),
                new Features("stages 3-4 global max", m -> join(grid(m, 0, 1, true), grid(m, 1, 1, true))),
                new Features(
                        "stage 3 max on 2x2 + stage 4 global max", m -> join(grid(m, 0, 2, true), grid(m, 1, 1, true))),
                new Features("stages 3-4 max on 2x2", m -> join(grid(m, 0, 2, true), grid(m, 1, 2, true))));
        try (ZooModel<NDList, NDList> model = loader.load(spec, artifact, Device.cpu())) {
            List<Block> children =
                    new ArrayList<>(model.getBlock().getChildren().values());
            int stages = children.size() - 6; // resnet-demo: 3 stem children, one unit per stage, pool, flatten, linear
            List<Maps> train = maps(children, stages, set.training(), p);
            List<Maps> held = maps(children, stages, test, p);
            int[] trainLabels = labels(set, set.training(), Dihedral.COUNT);
            int[] testLabels = labels(set, test, 1);
            System.out.println("features | dims | head | weight decay | test accuracy: one view | mean of 8 views");
            for (Features f : variants) {
                float[][] x = train.stream().map(f.of()).toArray(float[][]::new);
                float[][] xt = held.stream().map(f.of()).toArray(float[][]::new);
                for (int hidden : new int[] {0, HIDDEN}) {
                    for (double decay : new double[] {1e-4, 1e-2, 1e-1}) {
                        double[][] probabilities = fitAndScore(x, trainLabels, xt, hidden, decay);
                        System.out.printf(
                                Locale.ROOT,
                                "%s | %d | %s | %.0e | %.1f %% | %.1f %%%n",
                                f.name(),
                                x[0].length,
                                hidden == 0 ? "linear" : "hidden " + hidden,
                                decay,
                                100 * accuracy(probabilities, testLabels, 1),
                                100 * accuracy(probabilities, testLabels, Dihedral.COUNT));
                    }
                }
            }
        }
    }

    /** The last two stages' activations of every dihedral view of every image, in that order. */
    private static List<Maps> maps(List<Block> children, int stages, List<LabelledImage> images, PreprocessingSpec p) {
        ImageDecoder decoder = new ImageDecoder(new ImageLimits(40_000_000, 65_500));
        Preprocessor preprocessor = new Preprocessor();
        List<Maps> rows = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), ModelLoader.ENGINE)) {
            ParameterStore parameters = new ParameterStore(manager, false);
            for (LabelledImage image : images) {
                byte[] fitted = preprocessor.fit(decoder.decode(image.bytes(), p.alpha(), p.background()), p);
                for (int t = 0; t < Dihedral.COUNT; t++) {
                    try (NDManager scope = manager.newSubManager()) {
                        float[] input = preprocessor.normalise(Dihedral.apply(fitted, p.width(), p.height(), t), p);
                        NDArray x = scope.create(input, new Shape(1, 3, p.height(), p.width()));
                        float[][][] kept = new float[2][][];
                        int[] sides = new int[2];
                        for (int c = 0; c < 3 + stages; c++) {
                            x = children.get(c)
                                    .forward(parameters, new NDList(x), false)
                                    .singletonOrThrow();
                            int k = c - (3 + stages - 2);
                            if (k >= 0) {
                                long[] shape = x.getShape().getShape();
                                int channels = (int) shape[1];
                                sides[k] = (int) shape[2];
                                float[] all = x.toFloatArray();
                                int area = all.length / channels;
                                kept[k] = new float[channels][];
                                for (int ch = 0; ch < channels; ch++) {
                                    kept[k][ch] = Arrays.copyOfRange(all, ch * area, (ch + 1) * area);
                                }
                            }
                        }
                        rows.add(new Maps(kept, sides));
                    }
                }
            }
        }
        return rows;
    }

    /** Stage {@code k} (0: the one before the last) pooled to a g x g grid, by maximum or mean. */
    private static float[] grid(Maps m, int k, int g, boolean max) {
        float[][] stage = m.stages()[k];
        int side = m.sides()[k];
        float[] out = new float[stage.length * g * g];
        for (int ch = 0; ch < stage.length; ch++) {
            for (int gy = 0; gy < g; gy++) {
                for (int gx = 0; gx < g; gx++) {
                    float best = Float.NEGATIVE_INFINITY;
                    double sum = 0;
                    int n = 0;
                    for (int y = gy * side / g; y < (gy + 1) * side / g; y++) {
                        for (int x = gx * side / g; x < (gx + 1) * side / g; x++) {
                            float v = stage[ch][y * side + x];
                            best = Math.max(best, v);
                            sum += v;
                            n++;
                        }
                    }
                    out[(ch * g + gy) * g + gx] = max ? best : (float) (sum / n);
                }
            }
        }
        return out;
    }

    private static float[] join(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int[] labels(TrainingSet set, List<LabelledImage> images, int views) {
        int[] labels = new int[images.size() * views];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = set.labelOf(images.get(i / views));
        }
        return labels;
    }

    /** The share of images right, averaging the probabilities of each image's {@code views} views (of 8). */
    private static double accuracy(double[][] probabilities, int[] labels, int views) {
        int right = 0;
        for (int i = 0; i < labels.length; i++) {
            double[] mean = new double[CLASSES];
            for (int v = 0; v < views; v++) {
                for (int c = 0; c < CLASSES; c++) {
                    mean[c] += probabilities[i * Dihedral.COUNT + v][c];
                }
            }
            int best = 0;
            for (int c = 1; c < CLASSES; c++) {
                best = mean[c] > mean[best] ? c : best;
            }
            right += best == labels[i] ? 1 : 0;
        }
        return (double) right / labels.length;
    }

    /**
     * Trains a head ({@code hidden} 0: linear; else one hidden ReLU layer of that width) on x, y by full-batch Adam
     * and answers its class probabilities for each row of testX.
     */
    private static double[][] fitAndScore(float[][] x, int[] y, float[][] testX, int hidden, double decay) {
        int n = x.length;
        int d = x[0].length;
        SplittableRandom random = new SplittableRandom(7);
        int in = hidden == 0 ? d : hidden;
        double[][] w1 = new double[hidden][d + 1];
        double bound1 = Math.sqrt(1.0 / d);
        for (double[] row : w1) {
            for (int j = 0; j < d; j++) {
                row[j] = random.nextDouble(-bound1, bound1);
            }
        }
        double[][] w2 = new double[CLASSES][in + 1];
        if (hidden > 0) {
            double bound2 = Math.sqrt(1.0 / hidden);
            for (double[] row : w2) {
                for (int j = 0; j < hidden; j++) {
                    row[j] = random.nextDouble(-bound2, bound2);
                }
            }
        }
        Adam a1 = new Adam(hidden, d + 1);
        Adam a2 = new Adam(CLASSES, in + 1);
        for (int step = 1; step <= 400; step++) {
            double[][] g1 = new double[hidden][d + 1];
            double[][] g2 = new double[CLASSES][in + 1];
            for (int i = 0; i < n; i++) {
                double[] h = hidden == 0 ? toDouble(x[i]) : relu(affine(w1, x[i]));
                double[] prob = softmax(affine(w2, h));
                double[] back = new double[in];
                for (int c = 0; c < CLASSES; c++) {
                    double e = (prob[c] - (c == y[i] ? 1 : 0)) / n;
                    for (int j = 0; j < in; j++) {
                        g2[c][j] += e * h[j];
                        back[j] += e * w2[c][j];
                    }
                    g2[c][in] += e;
                }
                for (int u = 0; u < hidden; u++) {
                    if (h[u] > 0) {
                        for (int j = 0; j < d; j++) {
                            g1[u][j] += back[u] * x[i][j];
                        }
                        g1[u][d] += back[u];
                    }
                }
            }
            a1.step(w1, g1, decay, step);
            a2.step(w2, g2, decay, step);
        }
        double[][] out = new double[testX.length][];
        for (int i = 0; i < testX.length; i++) {
            double[] h = hidden == 0 ? toDouble(testX[i]) : relu(affine(w1, testX[i]));
            out[i] = softmax(affine(w2, h));
        }
        return out;
    }

    /** PyTorch's Adam (0.01, betas 0.9 and 0.999, epsilon 1e-8) with L2 decay on the weights, not the biases. */
    private static final class Adam {
        private final double[][] m1;
        private final double[][] m2;

        Adam(int rows, int columns) {
            m1 = new double[rows][columns];
            m2 = new double[rows][columns];
        }

        void step(double[][] w, double[][] g, double decay, int step) {
            for (int r = 0; r < w.length; r++) {
                int last = w[r].length - 1;
                for (int j = 0; j <= last; j++) {
                    double grad = g[r][j] + (j < last ? decay * w[r][j] : 0);
                    m1[r][j] = 0.9 * m1[r][j] + 0.1 * grad;
                    m2[r][j] = 0.999 * m2[r][j] + 0.001 * grad * grad;
                    double m = m1[r][j] / (1 - Math.pow(0.9, step));
                    double v = m2[r][j] / (1 - Math.pow(0.999, step));
                    w[r][j] -= 0.01 * m / (Math.sqrt(v) + 1e-8);
                }
            }
        }
    }

    /** w x + b for each row of w (its last column the bias). */
    private static double[] affine(double[][] w, double[] x) {
        double[] z = new double[w.length];
        for (int r = 0; r < w.length; r++) {
            double s = w[r][x.length];
            for (int j = 0; j < x.length; j++) {
                s += w[r][j] * x[j];
            }
            z[r] = s;
        }
        return z;
    }

    private static double[] affine(double[][] w, float[] x) {
        return affine(w, toDouble(x));
    }

    private static double[] toDouble(float[] x) {
        double[] out = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            out[j] = x[j];
        }
        return out;
    }

    private static double[] relu(double[] z) {
        return Arrays.stream(z).map(v -> Math.max(0, v)).toArray();
    }

    private static double[] softmax(double[] z) {
        double max = Arrays.stream(z).max().orElse(0);
        double[] e = Arrays.stream(z).map(v -> Math.exp(v - max)).toArray();
        double sum = Arrays.stream(e).sum();
        return Arrays.stream(e).map(v -> v / sum).toArray();
    }
}
