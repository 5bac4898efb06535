package dev.resnetserve.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.resnetserve.model.ModelLoader;
import org.junit.jupiter.api.Test;

/** What each form of the activation penalty weighs, on the real engine's arrays. */
class ActivationPenaltyTest {

    @Test
    void theSpreadIsOneForAFlatMapAndOneOverThePositionsForAPeak() {
        try (NDManager manager = NDManager.newBaseManager(ModelLoader.ENGINE)) {
            NDArray flat = manager.ones(new Shape(1, 3, 4, 4));
            NDArray peaks = manager.zeros(new Shape(1, 3, 4, 4));
            peaks.set(new NDIndex("0, :, 1, 2"), 5f);

            assertThat(ActivationPenalty.Form.SPREAD.of(flat, null).getFloat()).isCloseTo(1f, within(1e-5f));
            assertThat(ActivationPenalty.Form.SPREAD.of(peaks, null).getFloat()).isCloseTo(1f / 16, within(1e-5f));
        }
    }

    @Test
    void theSpreadCannotBeMetByScalingTheStageDownAsTheMeanCan() {
        try (NDManager manager = NDManager.newBaseManager(ModelLoader.ENGINE)) {
            NDArray stage = manager.randomUniform(0f, 1f, new Shape(2, 8, 6, 6));
            NDArray scaled = stage.mul(0.1f);

            assertThat(ActivationPenalty.Form.SPREAD.of(scaled, null).getFloat())
                    .isCloseTo(ActivationPenalty.Form.SPREAD.of(stage, null).getFloat(), within(1e-5f));
            assertThat(ActivationPenalty.Form.MEAN.of(scaled, null).getFloat())
                    .isCloseTo(ActivationPenalty.Form.MEAN.of(stage, null).getFloat() * 0.1f, within(1e-5f));
        }
    }

    @Test
    void theSpreadIsTheMeanOfEachImagesOwn() {
        try (NDManager manager = NDManager.newBaseManager(ModelLoader.ENGINE)) {
            NDArray flat = manager.ones(new Shape(1, 2, 3, 3));
            NDArray peak = manager.zeros(new Shape(1, 2, 3, 3));
            peak.set(new NDIndex("0, :, 0, 0"), 2f);
            NDArray both = flat.concat(peak, 0);

            assertThat(ActivationPenalty.Form.SPREAD.of(both, null).getFloat())
                    .as("(1 + 1/9) / 2")
                    .isCloseTo((1f + 1f / 9) / 2, within(1e-5f));
        }
    }

    @Test
    void theClassMapIsTheClassifiersWeightingOfTheChannelsCutAtZero() {
        try (NDManager manager = NDManager.newBaseManager(ModelLoader.ENGINE)) {
            // image 0: channel 0 one peak, channel 1 flat; image 1 the other way round
            NDArray stage = manager.zeros(new Shape(2, 2, 3, 3));
            stage.set(new NDIndex("0, 0, 1, 1"), 4f);
            stage.set(new NDIndex("0, 1"), 1f);
            stage.set(new NDIndex("1, 0"), 1f);
            stage.set(new NDIndex("1, 1, 2, 0"), 2f);
            NDArray classifier = manager.create(new float[] {1, 0, 0, 1, 1, -1}, new Shape(3, 2));

            NDArray spread = ActivationPenalty.Form.CLASS_MAP.of(stage, classifier);

            assertThat(spread.getShape()).isEqualTo(new Shape(2, 3));
            float[] first = spread.get(0).toFloatArray();
            assertThat(first[0]).as("class 0 sees the peaked channel").isCloseTo(1f / 9, within(1e-5f));
            assertThat(first[1]).as("class 1 the flat one").isCloseTo(1f, within(1e-5f));
            assertThat(first[2])
                    .as("class 2 the peak less the flat, the rest cut")
                    .isCloseTo(1f / 9, within(1e-5f));
            float[] second = spread.get(1).toFloatArray();
            assertThat(second[0]).isCloseTo(1f, within(1e-5f));
            assertThat(second[1]).isCloseTo(1f / 9, within(1e-5f));
            assertThat(second[2]).as("the flat less the peak: cut at the peak").isCloseTo(8f / 9, within(1e-5f));
        }
    }

    @Test
    void theLossWeighsTheClassMapOfEachImagesOwnClass() {
        try (NDManager manager = NDManager.newBaseManager(ModelLoader.ENGINE)) {
            NDArray logits = manager.zeros(new Shape(2, 3));
            NDArray perClass = manager.create(new float[] {0.1f, 0.2f, 0.9f, 0.4f, 0.5f, 0.6f}, new Shape(2, 3));
            NDArray labels = manager.create(new float[] {2, 0});
            ActivationPenalty.PenalisedLoss plain = new ActivationPenalty.PenalisedLoss(0);
            ActivationPenalty.PenalisedLoss weighed = new ActivationPenalty.PenalisedLoss(2);

            float crossEntropy = plain.evaluate(new NDList(labels), new NDList(logits, perClass))
                    .getFloat();
            float with = weighed.evaluate(new NDList(labels), new NDList(logits, perClass))
                    .getFloat();

            assertThat(with - crossEntropy).as("2 x mean(0.9, 0.4)").isCloseTo(1.3f, within(1e-5f));
        }
    }
}
