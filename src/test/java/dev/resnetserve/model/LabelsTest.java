package dev.resnetserve.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LabelsTest {

    @Test
    void synsetLinesKeepTheirFirstName() {
        Labels labels = Labels.parse(List.of("n01440764 tench, Tinca tinca", "n01443537 goldfish", "", "  cat  "));

        assertThat(labels.names()).containsExactly("tench", "goldfish", "cat");
    }

    @Test
    void plainLabelsWithCommasStayWhole() {
        assertThat(Labels.parse(List.of("red, dark")).names()).containsExactly("red, dark");
    }

    @Test
    void numberedLabelsForModelsWithout() {
        assertThat(Labels.numbered(3).names()).containsExactly("class_0", "class_1", "class_2");
    }
}
