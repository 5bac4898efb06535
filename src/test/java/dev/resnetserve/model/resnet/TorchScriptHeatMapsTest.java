package dev.resnetserve.model.resnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.repository.zoo.ZooModel;
import dev.resnetserve.model.ModelArtifact;
import dev.resnetserve.model.ModelLoader;
import dev.resnetserve.model.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Heat maps of TorchScript modules through DJL's PyTorch engine, on the fixtures of
 * {@code scripts/make-test-fixtures.py}: {@code parity/model.pt} (a traced residual net: integrated gradients only)
 * and {@code parity/explainable.pt} (the same weights with the README's recipe: Grad-CAM too). Grad-CAM through
 * autograd equals the algebra of global average pooling and one linear layer, {@code ReLU(sum_k W[c][k] A_k)}
 * scaled to 1, with {@code A} read from the module's own {@code explain_features}; integrated gradients keep
 * completeness; the thread's grad mode is given back and the module's weights stop requiring gradients.
 */
class TorchScriptHeatMapsTest {

    private static final long[] SHAPE = {1, 3, 224, 224};

    @Test
    void gradCamOfTheRecipesExportIsTheClassWeightedSumOfTheLastStage() throws Exception {
        float[] input = input(11);
        try (ZooModel<NDList, NDList> model = load("classpath:fixtures/parity/explainable.pt");
                NDManager manager = model.getNDManager().newSubManager()) {
            PtSymbolBlock block = (PtSymbolBlock) model.getBlock();
            JniUtils.setGradMode(false);
            assertThat(HeatMaps.supportsGradCam(block)).isTrue();

            ClassMap map = HeatMaps.gradCam(block, manager, input, SHAPE, 3);

            assertThat(JniUtils.isGradMode()).isFalse();
            assertThat(map.target()).isEqualTo(3);
            assertThat(map.height())
                    .as("the last stage's 14 cells, placed on half cells")
                    .isEqualTo(28);
            assertThat(map.width()).isEqualTo(28);
            float[] expected = GradCam.placed(
                            new ClassMap(3, new float[0], 14, 14, expectedCam(block, manager, input, 3)), 224, 224)
                    .map();
            for (int i = 0; i < expected.length; i++) {
                assertThat(map.map()[i]).as("cell %d", i).isCloseTo(expected[i], within(1e-4f));
            }
            for (NDArray parameter : JniUtils.moduleGetParams(block, (PtNDManager) manager)) {
                assertThat(JniUtils.requiresGrad((PtNDArray) parameter)).isFalse();
            }
            // no target: the top-1 class, by the module's own forward
            ClassMap top = HeatMaps.gradCam(block, manager, input, SHAPE, -1);
            assertThat(top.target()).isEqualTo(GradCam.argMax(top.logits()));
        }
    }

    @Test
    void integratedGradientsOfAnyTorchScriptModuleAreComplete() throws Exception {
        float[] input = input(12);
        try (ZooModel<NDList, NDList> model = load("classpath:fixtures/parity/model.pt");
                NDManager manager = model.getNDManager().newSubManager()) {
            PtSymbolBlock block = (PtSymbolBlock) model.getBlock();
            JniUtils.setGradMode(false);
            assertThat(HeatMaps.supportsGradCam(block))
                    .as("a plain trace has no recipe methods")
                    .isFalse();
            assertThat(HeatMaps.supportsInputGradients(block)).isTrue();

            IntegratedGradients.Attributions a = HeatMaps.attributions(block, manager, input, null, SHAPE, -1, 64);

            assertThat(JniUtils.isGradMode()).isFalse();
            double sum = 0;
            for (float v : a.values()) {
                sum += v;
            }
            float[] atZero = logits(block, manager, new float[input.length]);
            double change = a.logits()[a.target()] - atZero[a.target()];
            assertThat(Math.abs(change))
                    .as("a change worth checking: %s at the input, %s at 0", a.logits()[a.target()], atZero[a.target()])
                    .isGreaterThan(0.2); // measured 0.47: the parity model's answers hardly depend on the image
            assertThat(sum).as("completeness").isCloseTo(change, within(0.05 * Math.abs(change)));
            ClassMap map = HeatMaps.integratedGradients(block, manager, input, SHAPE, 5, 16);
            assertThat(map.width()).isEqualTo(HeatMaps.ATTRIBUTION_GRID);
            assertThat(max(map.map())).isEqualTo(1f);
        }
    }

    /** {@code ReLU(sum_k W[c][k] A_k)} scaled to 1, from the module's explain_features and its fc weight. */
    private static float[] expectedCam(PtSymbolBlock block, NDManager manager, float[] input, int target) {
        PtNDArray x = (PtNDArray) manager.create(input, new Shape(SHAPE));
        try (IValue in = IValue.from(x);
                IValue out = IValueUtils.runMethod(block, HeatMaps.FEATURES, in)) {
            NDArray a = out.toTensor((PtNDManager) manager).get(0); // [64, 14, 14]
            NDArray weight = block.getParameters().get("fc.weight").getArray().get(target); // [64]
            NDArray cam = a.mul(weight.reshape(64, 1, 1)).sum(new int[] {0}).maximum(0f);
            return cam.div(cam.max()).toFloatArray();
        }
    }

    private static float[] logits(PtSymbolBlock block, NDManager manager, float[] input) {
        NDArray x = manager.create(input, new Shape(SHAPE));
        return block.forward(new ai.djl.training.ParameterStore(manager, false), new NDList(x), false)
                .singletonOrThrow()
                .toFloatArray();
    }

    private static float max(float[] values) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            max = Math.max(max, v);
        }
        return max;
    }

    private static float[] input(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] input = new float[3 * 224 * 224];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        return input;
    }

    private static ZooModel<NDList, NDList> load(String location) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        Path work = Files.createTempDirectory("torchscript-heatmaps");
        ModelLoader loader = ModelLoader.standalone(work);
        ModelSpec spec = new ModelSpec("m", "1", location, Optional.empty(), Optional.empty(), Optional.empty());
        ModelArtifact artifact = loader.locate(spec);
        return loader.load(spec, artifact, Device.cpu());
    }
}
