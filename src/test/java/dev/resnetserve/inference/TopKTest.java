package dev.resnetserve.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.resnetserve.model.Labels;
import dev.resnetserve.model.Softmax;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopKTest {

    private final Labels labels = new Labels(List.of("a", "b", "c", "d"));

    @Test
    void mostProbableFirstWithLabels() {
        List<Prediction> top = TopK.of(new float[] {1f, 3f, 2f, -1f}, 3, labels);

        assertThat(top).extracting(Prediction::label).containsExactly("b", "c", "a");
        assertThat(top.get(0).probability())
                .isCloseTo(Math.exp(3) / (Math.exp(1) + Math.exp(3) + Math.exp(2) + Math.exp(-1)), within(1e-12));
    }

    @Test
    void softmaxIsStableForLargeLogits() {
        double[] p = Softmax.of(new float[] {1000f, 1000f, -1000f});

        assertThat(p[0]).isCloseTo(0.5, within(1e-12));
        assertThat(p[2]).isZero();
    }

    @Test
    void tiesKeepTheLowerIndexFirst() {
        assertThat(TopK.of(new float[] {0f, 5f, 5f, 0f}, 2, labels))
                .extracting(Prediction::index)
                .containsExactly(1, 2);
    }
}
