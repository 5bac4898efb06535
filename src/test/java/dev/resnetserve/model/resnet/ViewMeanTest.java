package dev.resnetserve.model.resnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.resnetserve.model.Augmentation;
import dev.resnetserve.model.ModelLoader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Test-time augmentation answers, for each image of a batch, the log of its network's mean class probabilities over
 * the image's views, computed here view by view with the network alone; so it answers the same for an image and
 * for any of the views it averages, and reads and writes the network's parameters file unchanged. Explanations by
 * gradients explain its network on the image as it is.
 */
class ViewMeanTest {

    private static final int SIZE = 32;
    private static final int CLASSES = 5;

    @Test
    void theDihedralMeanIsTheMeanProbabilityOverTheEightViewsOfEachImage() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block net = network(manager, 7);
            ViewMean mean = new ViewMean(net, Augmentation.DIHEDRAL);
            float[] first = GaussianInputs.of(1, SIZE);
            float[] second = GaussianInputs.of(2, SIZE);

            float[][] answers = forward(mean, manager, first, second);

            for (int image = 0; image < 2; image++) {
                float[] input = image == 0 ? first : second;
                List<float[]> views = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    views.add(view(input, t));
                }
                float[] expected = logMeanProbability(net, manager, views);
                for (int c = 0; c < CLASSES; c++) {
                    assertThat(answers[image][c])
                            .as("image %d class %d", image, c)
                            .isCloseTo(expected[c], within(1e-4f));
                }
            }
        }
    }

    @Test
    void theDihedralMeanAnswersTheSameForAQuarterTurnWhereTheNetworkDoesNot() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block net = network(manager, 11);
            float[] input = GaussianInputs.of(3, SIZE);
            float[] turned = quarterTurn(input);

            float[] once = forward(new ViewMean(net, Augmentation.DIHEDRAL), manager, input)[0];
            float[] afterTurn = forward(new ViewMean(net, Augmentation.DIHEDRAL), manager, turned)[0];
            float[] alone = forward(net, manager, input)[0];
            float[] aloneTurned = forward(net, manager, turned)[0];

            assertThat(maxDifference(alone, aloneTurned))
                    .as("the network alone")
                    .isGreaterThan(1e-3f);
            assertThat(maxDifference(once, afterTurn)).isLessThan(1e-4f);
        }
    }

    @Test
    void theMirrorMeanAveragesTheImageAndItsMirrorImageOnly() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block net = network(manager, 13);
            ViewMean mean = new ViewMean(net, Augmentation.MIRROR);
            float[] input = GaussianInputs.of(4, SIZE);

            float[] answer = forward(mean, manager, input)[0];

            float[] expected = logMeanProbability(net, manager, List.of(input, view(input, 1)));
            for (int c = 0; c < CLASSES; c++) {
                assertThat(answer[c]).isCloseTo(expected[c], within(1e-4f));
            }
            assertThat(maxDifference(answer, forward(mean, manager, view(input, 1))[0]))
                    .as("a mirror image")
                    .isLessThan(1e-4f);
            assertThat(maxDifference(answer, forward(mean, manager, quarterTurn(input))[0]))
                    .as("a quarter turn is not among its views")
                    .isGreaterThan(1e-3f);
        }
    }

    @Test
    void itsParametersFileIsTheNetworks() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block net = network(manager, 17);
            ByteArrayOutputStream alone = new ByteArrayOutputStream();
            net.saveParameters(new DataOutputStream(alone));
            ByteArrayOutputStream wrapped = new ByteArrayOutputStream();
            new ViewMean(net, Augmentation.DIHEDRAL).saveParameters(new DataOutputStream(wrapped));
            assertThat(wrapped.toByteArray()).isEqualTo(alone.toByteArray());

            Block other = network(manager, 99);
            ViewMean loaded = new ViewMean(other, Augmentation.DIHEDRAL);
            loaded.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(alone.toByteArray())));
            float[] input = GaussianInputs.of(5, SIZE);
            assertThat(maxDifference(
                            forward(loaded, manager, input)[0],
                            forward(new ViewMean(net, Augmentation.DIHEDRAL), manager, input)[0]))
                    .isLessThan(1e-6f);
            assertThat(ViewMean.network(loaded)).isSameAs(other);
            assertThat(ViewMean.network(net)).isSameAs(net);
        }
    }

    @Test
    void gradientExplanationsExplainTheNetworkOnTheImageAsItIsForTheClassTheMeanAnswers() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block net = network(manager, 19);
            ViewMean mean = new ViewMean(net, Augmentation.DIHEDRAL);
            float[] input = GaussianInputs.of(6, SIZE);
            long[] shape = {1, 3, SIZE, SIZE};

            assertThat(HeatMaps.supportsGradCam(mean)).isTrue();
            assertThat(HeatMaps.supportsInputGradients(mean)).isTrue();
            assertThat(HeatMaps.maxPooled(mean))
                    .as("the demo's pooling, seen through the views")
                    .isTrue();
            ClassMap ofMean = HeatMaps.gradCam(mean, manager, input, shape, 2);
            ClassMap ofNetwork = HeatMaps.gradCam(net, manager, input, shape, 2);
            assertThat(ofMean.map()).containsExactly(ofNetwork.map());
            float[] answer = forward(mean, manager, input)[0];
            assertThat(ofMean.logits()).as("the model's own answer, the mean").containsExactly(answer, within(1e-5f));
            int top = 0;
            for (int c = 1; c < CLASSES; c++) {
                top = answer[c] > answer[top] ? c : top;
            }
            assertThat(HeatMaps.gradCam(mean, manager, input, shape, -1).target())
                    .as("without a target, the class the model answers")
                    .isEqualTo(top);
            assertThat(HeatMaps.integratedGradients(mean, manager, input, shape, 2, 4)
                            .map())
                    .containsExactly(HeatMaps.integratedGradients(net, manager, input, shape, 2, 4)
                            .map());
        }
    }

    @Test
    void quarterTurnsNeedASquareInput() {
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> ViewMean.views(manager.zeros(new Shape(1, 3, 32, 48)), Augmentation.DIHEDRAL))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("square");
            assertThat(ViewMean.views(manager.zeros(new Shape(1, 3, 32, 48)), Augmentation.MIRROR))
                    .hasSize(2);
            assertThatThrownBy(() -> new ViewMean(network(manager, 1), Augmentation.NONE))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static Block network(NDManager manager, int seed) {
        Block net = ResNetBuilder.build(ResNetSpec.named("resnet-demo", CLASSES).withInputSize(SIZE));
        Engine.getEngine(ModelLoader.ENGINE).setRandomSeed(seed);
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, SIZE, SIZE));
        return net;
    }

    /** The block's answers for a batch of the images, one row each. */
    private static float[][] forward(Block block, NDManager manager, float[]... images) {
        try (NDManager scope = manager.newSubManager()) {
            float[] batch = new float[images.length * 3 * SIZE * SIZE];
            for (int i = 0; i < images.length; i++) {
                System.arraycopy(images[i], 0, batch, i * 3 * SIZE * SIZE, 3 * SIZE * SIZE);
            }
            float[] out = block.forward(
                            new ParameterStore(scope, false),
                            new NDList(scope.create(batch, new Shape(images.length, 3, SIZE, SIZE))),
                            false)
                    .singletonOrThrow()
                    .toFloatArray();
            float[][] rows = new float[images.length][CLASSES];
            for (int i = 0; i < images.length; i++) {
                System.arraycopy(out, i * CLASSES, rows[i], 0, CLASSES);
            }
            return rows;
        }
    }

    /** log(mean over the views of softmax(network(view))), each view run alone. */
    private static float[] logMeanProbability(Block net, NDManager manager, List<float[]> views) {
        double[] mean = new double[CLASSES];
        for (float[] v : views) {
            float[] logits = forward(net, manager, v)[0];
            double max = Double.NEGATIVE_INFINITY;
            for (float l : logits) {
                max = Math.max(max, l);
            }
            double sum = 0;
            for (float l : logits) {
                sum += Math.exp(l - max);
            }
            for (int c = 0; c < CLASSES; c++) {
                mean[c] += Math.exp(logits[c] - max) / sum / views.size();
            }
        }
        float[] out = new float[CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            out[c] = (float) Math.log(mean[c]);
        }
        return out;
    }

    /**
     * View {@code t} of a {@code [3, SIZE, SIZE]} image, by coordinates: pixel (y, x) of the view is pixel (p, q) of
     * the image, with (p, q) = (y, x) or (x, y) (bit 2 of t), each coordinate reversed or not (bits 0 and 1): the
     * eight symmetries of a square, 1 the left-right mirror image.
     */
    private static float[] view(float[] image, int t) {
        float[] out = new float[image.length];
        int last = SIZE - 1;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    int p = (t & 4) != 0 ? x : y;
                    int q = (t & 4) != 0 ? y : x;
                    p = (t & 2) != 0 ? last - p : p;
                    q = (t & 1) != 0 ? last - q : q;
                    out[(c * SIZE + y) * SIZE + x] = image[(c * SIZE + p) * SIZE + q];
                }
            }
        }
        return out;
    }

    /** The image turned a quarter clockwise. */
    private static float[] quarterTurn(float[] image) {
        float[] out = new float[image.length];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    out[(c * SIZE + y) * SIZE + x] = image[(c * SIZE + (SIZE - 1 - x)) * SIZE + y];
                }
            }
        }
        return out;
    }

    private static float maxDifference(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
