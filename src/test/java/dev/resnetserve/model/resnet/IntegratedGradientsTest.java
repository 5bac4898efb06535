package dev.resnetserve.model.resnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

/**
 * Integrated gradients through libtorch's autograd keep their defining property, completeness: the attributions
 * of all input elements sum to the target logit's change from the baseline (0) to the input, up to the Riemann
 * sum's error; and the map made of them is scaled to 0..1 on its grid.
 */
class IntegratedGradientsTest {

    @Test
    void attributionsSumToTheLogitsChangeFromTheBaseline() {
        float[] input = GaussianInputs.of(11, 32);
        try (NDManager manager = NDManager.newBaseManager()) { // starts the engine
            boolean gradMode = JniUtils.isGradMode();
            Block net = network(manager);
            int arrays = manager.getManagedArrays().size();

            IntegratedGradients.Attributions a = IntegratedGradients.attributions(net, manager, input, SHAPE, 2, 64);

            assertThat(JniUtils.isGradMode()).isEqualTo(gradMode);
            assertThat(manager.getManagedArrays()).hasSize(arrays);
            assertThat(a.target()).isEqualTo(2);
            double sum = 0;
            for (float v : a.values()) {
                sum += v;
            }
            double change = a.logits()[2] - logit(net, manager, new float[input.length], SHAPE, 2);
            assertThat(Math.abs(change))
                    .as("the logit moves between baseline and input")
                    .isGreaterThan(1e-3);
            assertThat(sum).as("completeness").isCloseTo(change, within(0.05 * Math.abs(change)));

            ClassMap map = IntegratedGradients.map(a, 32, 32, 16);
            assertThat(map.height()).isEqualTo(16);
            assertThat(map.width()).isEqualTo(16);
            float max = 0;
            for (float v : map.map()) {
                assertThat(v).isBetween(0f, 1f);
                max = Math.max(max, v);
            }
            assertThat(max).isEqualTo(1f);
        }
    }

    /** The same property from the service's default reference, the image blurred: the path starts there. */
    @Test
    void fromABlurredBaselineTheySumToTheLogitsChangeFromIt() {
        float[] input = GaussianInputs.of(12, 32);
        float[] baseline = ExplainReference.BLUR.of(input, 32, 32);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block net = network(manager);

            IntegratedGradients.Attributions a = HeatMaps.attributions(net, manager, input, baseline, SHAPE, 3, 64);

            double sum = 0;
            for (float v : a.values()) {
                sum += v;
            }
            double change = a.logits()[3] - logit(net, manager, baseline, SHAPE, 3);
            double fromZero = a.logits()[3] - logit(net, manager, new float[input.length], SHAPE, 3);
            assertThat(Math.abs(change)).isGreaterThan(1e-3);
            assertThat(Math.abs(change - fromZero))
                    .as("the blurred image is another starting point than 0")
                    .isGreaterThan(0.1 * Math.abs(change));
            assertThat(sum).as("completeness from the blur").isCloseTo(change, within(0.05 * Math.abs(change)));
        }
    }

    /** The input's shape: one 32x32 image. */
    private static final long[] SHAPE = {1, 3, 32, 32};

    /** A randomly initialised demo network of 5 classes at 32 px. */
    private static Block network(NDManager manager) {
        Block net = ResNetBuilder.build(ResNetSpec.named("resnet-demo", 5).withInputSize(32));
        net.initialize(manager, DataType.FLOAT32, new Shape(SHAPE));
        return net;
    }

    private static float logit(Block net, NDManager manager, float[] input, long[] shape, int c) {
        try (NDManager scope = manager.newSubManager()) {
            return net.forward(
                            new ParameterStore(scope, false), new NDList(scope.create(input, new Shape(shape))), false)
                    .singletonOrThrow()
                    .getFloat(0, c);
        }
    }
}
