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

/**
 * A measurement, not a test (bench/feature-probe.sh; docs/transfer-learning.md, "Would other features do
 * better?"): on the data of {@code experiment transfer} (the four new shapes, 20 images each from set 1001 split as
 * fine-tuning splits them, dihedral views; 200 test images from set 1002), a linear classifier on the demo's
 * globally max-pooled activations of its last stage alone, as head mode trains, and of the last stages together.
 * The classifier is the same for every feature set: softmax regression, full-batch Adam (0.01, 400 steps), L2
 * weight decay, on the raw or on standardised features.
 */
final class FeatureProbe {

    private static final int CLASSES = ShapeGenerator.NOVEL_CLASSES.size();

    private FeatureProbe() {}

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
        try (ZooModel<NDList, NDList> model = loader.load(spec, artifact, Device.cpu())) {
            List<Block> children =
                    new ArrayList<>(model.getBlock().getChildren().values());
            int stages = children.size() - 6; // resnet-demo: 3 stem children, one unit per stage, pool, flatten, linear
            float[][][] train = pooled(children, stages, set.training(), p, Dihedral.COUNT);
            float[][][] held = pooled(children, stages, test, p, 1);
            int[] trainLabels = labels(set, set.training(), Dihedral.COUNT);
            int[] testLabels = labels(set, test, 1);
            System.out.println("features (global max of stages)  | dims | standardised | weight decay | test accuracy");
            for (int first = stages - 1; first >= 0; first--) {
                float[][] x = joined(train, first);
                float[][] xt = joined(held, first);
                for (boolean standardise : new boolean[] {false, true}) {
                    for (double decay : new double[] {1e-4, 1e-2, 1e-1}) {
                        System.out.printf(
                                Locale.ROOT,
                                "stages %d..%d | %d | %s | %.0e | %.1f %%%n",
                                first + 1,
                                stages,
                                x[0].length,
                                standardise,
                                decay,
                                100 * accuracy(x, trainLabels, xt, testLabels, standardise, decay));
                    }
                }
            }
        }
    }

    /** [view][stage][channel]: each stage's activations, max-pooled over the whole map. */
    private static float[][][] pooled(
            List<Block> children, int stages, List<LabelledImage> images, PreprocessingSpec p, int views) {
        ImageDecoder decoder = new ImageDecoder(new ImageLimits(40_000_000, 65_500));
        Preprocessor preprocessor = new Preprocessor();
        List<float[][]> rows = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), ModelLoader.ENGINE)) {
            ParameterStore parameters = new ParameterStore(manager, false);
            for (LabelledImage image : images) {
                byte[] fitted = preprocessor.fit(decoder.decode(image.bytes(), p.alpha(), p.background()), p);
                for (int t = 0; t < views; t++) {
                    try (NDManager scope = manager.newSubManager()) {
                        float[] input = preprocessor.normalise(Dihedral.apply(fitted, p.width(), p.height(), t), p);
                        NDArray x = scope.create(input, new Shape(1, 3, p.height(), p.width()));
                        float[][] row = new float[stages][];
                        for (int c = 0; c < 3 + stages; c++) {
                            x = children.get(c)
                                    .forward(parameters, new NDList(x), false)
                                    .singletonOrThrow();
                            if (c >= 3) {
                                row[c - 3] =
                                        x.max(new int[] {3}).max(new int[] {2}).toFloatArray();
                            }
                        }
                        rows.add(row);
                    }
                }
            }
        }
        return rows.toArray(new float[0][][]);
    }

    private static int[] labels(TrainingSet set, List<LabelledImage> images, int views) {
        int[] labels = new int[images.size() * views];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = set.labelOf(images.get(i / views));
        }
        return labels;
    }

    /** Stages {@code first} to the last, side by side. */
    private static float[][] joined(float[][][] pooled, int first) {
        float[][] x = new float[pooled.length][];
        for (int i = 0; i < pooled.length; i++) {
            float[][] stages = Arrays.copyOfRange(pooled[i], first, pooled[i].length);
            int n = Arrays.stream(stages).mapToInt(s -> s.length).sum();
            x[i] = new float[n];
            int at = 0;
            for (float[] s : stages) {
                System.arraycopy(s, 0, x[i], at, s.length);
                at += s.length;
            }
        }
        return x;
    }

    private static double accuracy(
            float[][] x, int[] y, float[][] testX, int[] testY, boolean standardise, double decay) {
        int n = x.length;
        int d = x[0].length;
        double[] mean = new double[d];
        double[] scale = new double[d];
        Arrays.fill(scale, 1);
        if (standardise) {
            for (float[] r : x) {
                for (int j = 0; j < d; j++) {
                    mean[j] += r[j] / n;
                }
            }
            double[] variance = new double[d];
            for (float[] r : x) {
                for (int j = 0; j < d; j++) {
                    variance[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / n;
                }
            }
            for (int j = 0; j < d; j++) {
                scale[j] = Math.sqrt(variance[j]) + 1e-6;
            }
        }
        double[][] w = new double[CLASSES][d + 1]; // the last column: bias
        double[][] m1 = new double[CLASSES][d + 1];
        double[][] m2 = new double[CLASSES][d + 1];
        for (int step = 1; step <= 400; step++) {
            double[][] g = new double[CLASSES][d + 1];
            for (int i = 0; i < n; i++) {
                double[] prob = softmax(logits(w, x[i], mean, scale));
                for (int c = 0; c < CLASSES; c++) {
                    double e = (prob[c] - (c == y[i] ? 1 : 0)) / n;
                    for (int j = 0; j < d; j++) {
                        g[c][j] += e * (x[i][j] - mean[j]) / scale[j];
                    }
                    g[c][d] += e;
                }
            }
            for (int c = 0; c < CLASSES; c++) {
                for (int j = 0; j <= d; j++) {
                    double grad = g[c][j] + (j < d ? decay * w[c][j] : 0);
                    m1[c][j] = 0.9 * m1[c][j] + 0.1 * grad;
                    m2[c][j] = 0.999 * m2[c][j] + 0.001 * grad * grad;
                    double m = m1[c][j] / (1 - Math.pow(0.9, step));
                    double v = m2[c][j] / (1 - Math.pow(0.999, step));
                    w[c][j] -= 0.01 * m / (Math.sqrt(v) + 1e-8);
                }
            }
        }
        int right = 0;
        for (int i = 0; i < testX.length; i++) {
            double[] z = logits(w, testX[i], mean, scale);
            int best = 0;
            for (int c = 1; c < CLASSES; c++) {
                best = z[c] > z[best] ? c : best;
            }
            right += best == testY[i] ? 1 : 0;
        }
        return (double) right / testX.length;
    }

    private static double[] logits(double[][] w, float[] x, double[] mean, double[] scale) {
        int d = x.length;
        double[] z = new double[w.length];
        for (int c = 0; c < w.length; c++) {
            double s = w[c][d];
            for (int j = 0; j < d; j++) {
                s += w[c][j] * (x[j] - mean[j]) / scale[j];
            }
            z[c] = s;
        }
        return z;
    }

    private static double[] softmax(double[] z) {
        double max = Arrays.stream(z).max().orElse(0);
        double[] e = Arrays.stream(z).map(v -> Math.exp(v - max)).toArray();
        double sum = Arrays.stream(e).sum();
        return Arrays.stream(e).map(v -> v / sum).toArray();
    }
}
