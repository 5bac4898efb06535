package dev.resnetserve.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The held-out images are chosen per class, by the seed, and never share bytes with a training image. */
class TrainingSetTest {

    @Test
    void eachClassHoldsOutItsShareAndTheHalvesShareNoImage() {
        List<LabelledImage> images = new ArrayList<>();
        images.addAll(images("cats", 20, 0));
        images.addAll(images("dogs", 7, 100));
        images.add(new LabelledImage("dogs", "copy-of-cat-3.png", image(3))); // a cat's bytes under another name
        images.add(new LabelledImage("dogs", "notes.txt", "hello".getBytes()));

        TrainingSet set = TrainingSet.split(images, 0.15, 42);

        assertThat(set.labels()).containsExactly("cats", "dogs");
        assertThat(set.skipped()).as("the copy and the text file").isEqualTo(2);
        assertThat(set.validation().stream().filter(i -> i.label().equals("cats")))
                .hasSize(3); // round(20 * 0.15)
        assertThat(set.validation().stream().filter(i -> i.label().equals("dogs")))
                .hasSize(1); // round(1.05)
        assertThat(set.training()).hasSize(27 - 4);
        Set<String> trained = new HashSet<>();
        set.training().forEach(i -> trained.add(new String(i.bytes())));
        assertThat(set.validation()).noneMatch(i -> trained.contains(new String(i.bytes())));
    }

    @Test
    void theSeedChoosesTheHeldOutImagesAndTheSameSeedChoosesTheSame() {
        List<LabelledImage> images = Stream.concat(images("a", 30, 0).stream(), images("b", 30, 100).stream())
                .toList();
        List<String> first = names(TrainingSet.split(images, 0.2, 1).validation());
        assertThat(names(TrainingSet.split(images, 0.2, 1).validation())).isEqualTo(first);
        assertThat(names(TrainingSet.split(images, 0.2, 2).validation())).isNotEqualTo(first);
        List<LabelledImage> reversed = new ArrayList<>(images);
        java.util.Collections.reverse(reversed);
        assertThat(names(TrainingSet.split(reversed, 0.2, 1).validation()))
                .as("not the order they arrived in")
                .containsExactlyInAnyOrderElementsOf(first);
    }

    @Test
    void aClassWithFewerThanTwoImagesIsNamed() {
        List<LabelledImage> images = new ArrayList<>(images("cats", 5, 0));
        images.addAll(images("owls", 1, 50));
        images.addAll(images("bats", 1, 60));
        assertThatThrownBy(() -> TrainingSet.split(images, 0.15, 42))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bats (1)")
                .hasMessageContaining("owls (1)");
        assertThatThrownBy(() -> TrainingSet.split(images("cats", 5, 0), 0.15, 42))
                .hasMessageContaining("at least 2 classes");
    }

    @Test
    void twoImagesGiveOneToTrainOnAndOneToCheck() {
        assertThat(TrainingSet.heldOut(2, 0.15)).isEqualTo(1);
        assertThat(TrainingSet.heldOut(100, 0.5)).isEqualTo(50);
        assertThat(TrainingSet.heldOut(100, 0)).isZero();
    }

    private static List<LabelledImage> images(String label, int count, int from) {
        List<LabelledImage> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            images.add(new LabelledImage(label, label + "-" + i + ".png", image(from + i)));
        }
        return images;
    }

    /** PNG magic, then a distinct payload. */
    private static byte[] image(int n) {
        return ("\u0089PNG" + n).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static List<String> names(List<LabelledImage> images) {
        return images.stream().map(LabelledImage::name).toList();
    }
}
