package dev.resnetserve.model.resnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.resnetserve.model.ModelLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Grad-CAM through libtorch's autograd gives what the algebra says it must: behind global pooling and one linear
 * layer, the gradient of class c's logit with respect to the last stage's channel k averages to
 * {@code W[c][k] / (h w)} (average pooling spreads it evenly; max pooling puts it all on one position), so the map is
 * {@code ReLU(sum_k W[c][k] A_k)} scaled to 0..1. It leaves the thread's grad mode as it found it and no array
 * behind.
 */
class GradCamTest {

    @ParameterizedTest
    @ValueSource(strings = {"resnet-demo", "resnet-demo-avg", "resnet18"}) // max, average, average pooling
    void theMapIsTheClassWeightedSumOfTheLastStage(String architecture) {
        ResNetSpec spec = ResNetSpec.named(architecture, 5).withInputSize(64);
        Block net = ResNetBuilder.build(spec);
        long[] shape = {1, 3, 64, 64};
        float[] input = GaussianInputs.of(7, 64);
        try (NDManager manager = NDManager.newBaseManager()) { // starts the engine
            boolean gradMode = JniUtils.isGradMode();
            Engine.getEngine(ModelLoader.ENGINE).setRandomSeed(7); // a reproducible initialisation
            net.initialize(manager, DataType.FLOAT32, new Shape(shape));
            int arrays = manager.getManagedArrays().size();

            ClassMap result = GradCam.compute(net, manager, input, shape, 3);

            assertThat(result.target()).isEqualTo(3);
            assertThat(JniUtils.isGradMode()).isEqualTo(gradMode);
            assertThat(manager.getManagedArrays()).hasSize(arrays);
            float[] expected = classWeightedSum(net, manager, input, shape, 3);
            assertThat(max(expected)).as("a map with something in it").isEqualTo(1f);
            assertThat(result.map()).hasSameSizeAs(expected);
            for (int i = 0; i < expected.length; i++) {
                assertThat(result.map()[i]).as("cell %d", i).isCloseTo(expected[i], within(1e-4f));
            }
            assertThat(result.height() * result.width()).isEqualTo(expected.length);
        }
    }

    /** The service's default CAM follows the network's global pooling: HiResCAM behind max pooling only. */
    @ParameterizedTest
    @CsvSource({"resnet-demo, true", "resnet-demo-avg, false", "resnet18, false", "plain-resnet-demo, true"})
    void theNetworksGlobalPoolingIsSeenFromItsBlocks(String architecture, boolean maxPooled) {
        assertThat(GradCam.maxPooled(ResNetBuilder.build(ResNetSpec.named(architecture, 5))))
                .isEqualTo(maxPooled);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1})
    void withoutATargetItExplainsTheTopClass(int target) {
        ResNetSpec spec = ResNetSpec.named("resnet-demo", 4).withInputSize(32);
        Block net = ResNetBuilder.build(spec);
        long[] shape = {1, 3, 32, 32};
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getEngine(ModelLoader.ENGINE).setRandomSeed(7); // a reproducible initialisation
            net.initialize(manager, DataType.FLOAT32, new Shape(shape));
            float[] input = new float[3 * 32 * 32];
            java.util.Arrays.fill(input, 0.5f);

            ClassMap result = GradCam.compute(net, manager, input, shape, target);

            float[] logits = result.logits();
            for (float logit : logits) {
                assertThat(logits[result.target()]).isGreaterThanOrEqualTo(logit);
            }
        }
    }

    /**
     * HiResCAM weights each activation by its own gradient. Behind global average pooling that gradient is
     * {@code W[c][k] / (h w)} everywhere, so the map is Grad-CAM's; behind global max pooling (the demo) it is
     * {@code W[c][k]} at each channel's maximum and 0 elsewhere, so each place holds the logit's share from the
     * channels whose maximum is there, {@code sum W[c][k] max(A_k)}: computed here without gradients.
     */
    @ParameterizedTest
    @ValueSource(strings = {"resnet-demo", "resnet-demo-avg", "resnet18"})
    void hiResCamPutsEachChannelsShareOfTheLogitWhereItComesFrom(String architecture) {
        ResNetSpec spec = ResNetSpec.named(architecture, 5).withInputSize(64);
        Block net = ResNetBuilder.build(spec);
        long[] shape = {1, 3, 64, 64};
        float[] input = GaussianInputs.of(13, 64);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getEngine(ModelLoader.ENGINE).setRandomSeed(7); // a reproducible initialisation
            net.initialize(manager, DataType.FLOAT32, new Shape(shape));
            int arrays = manager.getManagedArrays().size();

            ClassMap hires = GradCam.compute(net, manager, input, shape, 3, 0, GradCam.Weighting.ELEMENTWISE);
            ClassMap gradCam = GradCam.compute(net, manager, input, shape, 3);

            assertThat(manager.getManagedArrays()).hasSize(arrays);
            boolean maxPooled = spec.pooling() == GlobalPooling.MAX;
            float[] expected = maxPooled
                    ? atEachChannelsMaximum(net, manager, input, shape, 3)
                    : classWeightedSum(net, manager, input, shape, 3);
            assertThat(max(expected)).as("a map with something in it").isEqualTo(1f);
            assertThat(hires.map()).hasSameSizeAs(expected);
            for (int i = 0; i < expected.length; i++) {
                assertThat(hires.map()[i]).as("cell %d", i).isCloseTo(expected[i], within(1e-4f));
            }
            float difference = 0;
            for (int i = 0; i < expected.length; i++) {
                difference = Math.max(difference, Math.abs(hires.map()[i] - gradCam.map()[i]));
            }
            if (maxPooled) {
                assertThat(difference)
                        .as("not Grad-CAM's map behind max pooling")
                        .isGreaterThan(0.1f);
            } else {
                assertThat(difference)
                        .as("Grad-CAM's map behind average pooling")
                        .isLessThan(1e-4f);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet-demo", "resnet18", "resnet50"})
    void oneStageBackIsWhereTheLastStageStarts(String architecture) {
        ResNetSpec spec = ResNetSpec.named(architecture, 5).withInputSize(64);
        Block net = ResNetBuilder.build(spec);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getEngine(ModelLoader.ENGINE).setRandomSeed(7); // a reproducible initialisation
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
            List<Block> children = new ArrayList<>(net.getChildren().values());

            assertThat(GradCam.cut(children, new Shape(1, 3, 64, 64), 1)).isEqualTo(ResNetBuilder.lastStageStart(spec));
            assertThat(GradCam.cut(children, new Shape(1, 3, 64, 64), 0))
                    .isEqualTo(children.size() - GradCam.HEAD_BLOCKS);
        }
    }

    /**
     * One stage back, the gradient flows through the last stage, so there is no closed form; the channel weights
     * are checked against central differences instead: {@code w_k} is the mean over positions of the logit's
     * gradient with respect to {@code A_k}, which is the logit's change when all of channel {@code k} moves by
     * {@code eps}, divided by {@code eps h w}.
     */
    @Test
    void oneStageBackWeightsTheEarlierStageByItsGradientAtTwiceTheResolution() {
        ResNetSpec spec = ResNetSpec.named("resnet-demo", 5).withInputSize(64);
        Block net = ResNetBuilder.build(spec);
        long[] shape = {1, 3, 64, 64};
        float[] input = GaussianInputs.of(11, 64);
        try (NDManager manager = NDManager.newBaseManager()) {
            boolean gradMode = JniUtils.isGradMode();
            Engine.getEngine(ModelLoader.ENGINE).setRandomSeed(7); // a reproducible initialisation
            net.initialize(manager, DataType.FLOAT32, new Shape(shape));
            int arrays = manager.getManagedArrays().size();

            ClassMap last = GradCam.compute(net, manager, input, shape, 2, 0, GradCam.Weighting.CHANNEL_MEAN);
            ClassMap earlier = GradCam.compute(net, manager, input, shape, 2, 1, GradCam.Weighting.CHANNEL_MEAN);

            assertThat(JniUtils.isGradMode()).isEqualTo(gradMode);
            assertThat(manager.getManagedArrays()).hasSize(arrays);
            assertThat(earlier.width()).isEqualTo(2 * last.width());
            assertThat(earlier.height()).isEqualTo(2 * last.height());
            float[] expected = differencedCam(net, manager, input, shape, 2);
            assertThat(max(expected)).as("a map with something in it").isEqualTo(1f);
            assertThat(earlier.map()).hasSameSizeAs(expected);
            for (int i = 0; i < expected.length; i++) {
                assertThat(earlier.map()[i]).as("cell %d", i).isCloseTo(expected[i], within(1e-2f));
            }
        }
    }

    /** Grad-CAM one stage back with each channel's weight from central differences of the logit. */
    private static float[] differencedCam(Block net, NDManager manager, float[] input, long[] shape, int c) {
        List<Block> children = new ArrayList<>(net.getChildren().values());
        int cut = GradCam.cut(children, new Shape(shape), 1);
        return withoutGradients(manager, input, shape, (x, parameters) -> {
            NDArray a = run(children.subList(0, cut), parameters, x);
            long k = a.getShape().get(1);
            long h = a.getShape().get(2);
            long w = a.getShape().get(3);
            float eps = 1e-2f; // float32: smaller steps drown in rounding
            float[] weights = new float[(int) k];
            for (int channel = 0; channel < k; channel++) {
                NDArray step = x.getManager().zeros(a.getShape());
                step.set(new NDIndex(":, {}", channel), eps);
                List<Block> tail = children.subList(cut, children.size());
                float up = run(tail, parameters, a.add(step)).getFloat(0, c);
                float down = run(tail, parameters, a.sub(step)).getFloat(0, c);
                weights[channel] = (up - down) / (2 * eps * h * w);
            }
            NDArray cam = a.get(0)
                    .mul(x.getManager().create(weights).reshape(k, 1, 1))
                    .sum(new int[] {0})
                    .maximum(0f);
            return cam.div(cam.max()).toFloatArray();
        });
    }

    /** Runs {@code work} on {@code input} as an array in a sub-manager of {@code manager}, grad mode off. */
    private static float[] withoutGradients(
            NDManager manager, float[] input, long[] shape, BiFunction<NDArray, ParameterStore, float[]> work) {
        try (NDManager scope = manager.newSubManager()) {
            boolean gradMode = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
            try {
                return work.apply(scope.create(input, new Shape(shape)), new ParameterStore(scope, false));
            } finally {
                JniUtils.setGradMode(gradMode);
            }
        }
    }

    private static NDArray run(List<Block> blocks, ParameterStore parameters, NDArray x) {
        NDArray out = x;
        for (Block block : blocks) {
            out = block.forward(parameters, new NDList(out), false).singletonOrThrow();
        }
        return out;
    }

    /** ReLU(sum_k W[c][k] A_k), scaled to a maximum of 1, computed without gradients. */
    private static float[] classWeightedSum(Block net, NDManager manager, float[] input, long[] shape, int c) {
        List<Block> children = new ArrayList<>(net.getChildren().values());
        return withoutGradients(manager, input, shape, (x, parameters) -> {
            NDArray a = run(children.subList(0, children.size() - GradCam.HEAD_BLOCKS), parameters, x);
            NDArray weight = children.get(children.size() - 1)
                    .getParameters()
                    .get("weight")
                    .getArray()
                    .get(c); // [K]
            long k = weight.getShape().get(0);
            NDArray cam =
                    a.get(0).mul(weight.reshape(k, 1, 1)).sum(new int[] {0}).maximum(0f);
            return cam.div(cam.max()).toFloatArray();
        });
    }

    /** ReLU of W[c][k] max(A_k) summed at the place of each channel's maximum, scaled to a maximum of 1. */
    private static float[] atEachChannelsMaximum(Block net, NDManager manager, float[] input, long[] shape, int c) {
        List<Block> children = new ArrayList<>(net.getChildren().values());
        return withoutGradients(manager, input, shape, (x, parameters) -> {
            NDArray a = run(children.subList(0, children.size() - GradCam.HEAD_BLOCKS), parameters, x);
            float[] weight = children.get(children.size() - 1)
                    .getParameters()
                    .get("weight")
                    .getArray()
                    .get(c)
                    .toFloatArray();
            int area = (int) (a.getShape().get(2) * a.getShape().get(3));
            float[] activations = a.toFloatArray();
            float[] cam = new float[area];
            for (int k = 0; k < weight.length; k++) {
                int at = 0;
                for (int p = 1; p < area; p++) {
                    at = activations[k * area + p] > activations[k * area + at] ? p : at;
                }
                cam[at] += weight[k] * activations[k * area + at];
            }
            float top = 0;
            for (int p = 0; p < area; p++) {
                cam[p] = Math.max(0, cam[p]);
                top = Math.max(top, cam[p]);
            }
            for (int p = 0; p < area; p++) {
                cam[p] /= top;
            }
            return cam;
        });
    }

    private static float max(float[] values) {
        float max = Float.NEGATIVE_INFINITY;
        for (float value : values) {
            max = Math.max(max, value);
        }
        return max;
    }

    /**
     * A stage's feature {@code i} is centred on input pixel {@code stride x i} (every stride-2 convolution centres
     * output {@code j} on input {@code 2j}), so its map is placed on half cells, each taking the feature whose centre
     * is nearest: half a cell up and left of an even division of the input.
     */
    @Test
    void aMapIsPlacedWhereItsFeaturesAre() {
        ClassMap map = new ClassMap(1, new float[] {0f, 1f}, 2, 2, new float[] {1, 2, 3, 4});

        ClassMap placed = GradCam.placed(map, 4, 4); // stride 2: half cells of 1 px

        assertThat(placed.height()).isEqualTo(4);
        assertThat(placed.width()).isEqualTo(4);
        assertThat(placed.map()).containsExactly(1, 2, 2, 2, 3, 4, 4, 4, 3, 4, 4, 4, 3, 4, 4, 4);
        assertThat(placed.target()).isEqualTo(1);
        assertThat(GradCam.stride(192, 12))
                .as("the demo's last stage at 192 px")
                .isEqualTo(16);
        assertThat(GradCam.stride(224, 7))
                .as("a torchvision ResNet's at 224 px")
                .isEqualTo(32);
        assertThat(GradCam.stride(200, 13)).as("a side that is no multiple").isEqualTo(16);
        assertThat(GradCam.placed(new ClassMap(0, new float[1], 12, 12, new float[144]), 192, 192)
                        .width())
                .isEqualTo(24);
        ClassMap fine = new ClassMap(0, new float[1], 4, 4, new float[16]);
        assertThat(GradCam.placed(fine, 4, 4))
                .as("as fine as the input: as it is")
                .isSameAs(fine);
    }
}
