package dev.resnetserve.model.resnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The blur explanations compare an image with, and occlusion's cells filled from it: a flat area is its own blur (so
 * hiding it changes nothing), detail is what the blur takes away.
 */
class BlurTest {

    @Test
    void aFlatImageIsItsOwnBlurAndAPointSpreadsKeepingItsSum() {
        float[] flat = new float[3 * 20 * 30];
        Arrays.fill(flat, 0.7f);
        assertThat(Blur.gaussian(flat, 20, 30, 4)).containsExactly(flat, within(1e-5f));

        float[] point = new float[20 * 30];
        point[10 * 30 + 15] = 1f;
        float[] blurred = Blur.gaussian(point, 20, 30, 2);
        double sum = 0;
        for (float v : blurred) {
            sum += v;
        }
        assertThat(sum).as("the kernel is normalised").isCloseTo(1.0, within(1e-4));
        assertThat(blurred[10 * 30 + 15])
                .as("spread: the centre keeps under a tenth")
                .isLessThan(0.1f);
        assertThat(blurred[10 * 30 + 17]).as("symmetric").isEqualTo(blurred[10 * 30 + 13], within(1e-7f));
        assertThat(blurred[12 * 30 + 15])
                .as("the same along both axes")
                .isEqualTo(blurred[10 * 30 + 17], within(1e-7f));
        assertThat(Blur.gaussian(point, 20, 30, 0)).as("sigma 0: a copy").containsExactly(point);
    }

    /**
     * An image fitted into padding: the reference blurs the image's own area as a picture of its own and leaves the
     * padding, so the edge between them is no detail of the blur's (the maps marked it when the blur crossed it).
     */
    @Test
    void onlyTheImagesOwnAreaIsBlurredAsAPictureOfItsOwn() {
        int h = 32;
        int w = 32;
        float[] input = new float[3 * h * w];
        java.util.Arrays.fill(input, -1f); // padding
        for (int c = 0; c < 3; c++) {
            for (int y = 8; y < 24; y++) {
                java.util.Arrays.fill(input, c * h * w + y * w, c * h * w + y * w + w, 0.5f); // a flat image, rows 8-23
            }
        }
        ExplainReference.Area image = new ExplainReference.Area(0, 8, 32, 24);

        float[] reference = ExplainReference.BLUR.of(input, h, w, image);
        float[] across = ExplainReference.BLUR.of(input, h, w);

        assertThat(reference)
                .as("a flat image is its own blur; the padding as it was")
                .containsExactly(input, within(1e-6f));
        assertThat(across[8 * w + 5])
                .as("blurred across the edge: padding mixed into the image")
                .isLessThan(0.4f);
        assertThatThrownBy(() -> new ExplainReference.Area(4, 0, 4, 8)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSigmaOutOfBoundsOrAnImageOfTheWrongSizeIsRefused() {
        assertThatThrownBy(() -> Blur.gaussian(new float[12], 2, 2, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Blur.gaussian(new float[12], 2, 2, Blur.MAX_SIGMA + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Blur.gaussian(new float[13], 2, 2, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void occlusionFillsACellFromTheReference() {
        // 3 x 64 x 64, a bright 2x2 square at rows and columns 6-7 on a flat background, a grid of 4 (16 px cells);
        // the blur's sigma is 64 / 32 = 2 px
        int h = 64;
        int w = 64;
        float[] input = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int y = 6; y <= 7; y++) {
                for (int x = 6; x <= 7; x++) {
                    input[c * h * w + y * w + x] = 1f;
                }
            }
        }
        float[] blur = ExplainReference.BLUR.of(input, h, w);

        List<float[]> inputs = Occlusion.inputs(input, h, w, 4, blur);

        assertThat(inputs).hasSize(17);
        assertThat(inputs.get(0)).isSameAs(input);
        float[] hidden = inputs.get(1); // the top-left cell, holding the square
        assertThat(hidden[6 * w + 6]).as("the square blurred away").isLessThan(0.5f);
        assertThat(hidden[6 * w + 6]).isEqualTo(blur[6 * w + 6]);
        assertThat(inputs.get(2)[6 * w + 20])
                .as("the next cell: flat, its own blur")
                .isZero();
        assertThat(hidden[40 * w + 40]).as("the rest untouched").isEqualTo(input[40 * w + 40]);
        assertThat(ExplainReference.MEAN.of(input, h, w))
                .as("the mean colour: 0")
                .containsOnly(0f);
        assertThat(Occlusion.inputs(input, h, w, 4, ExplainReference.MEAN.of(input, h, w))
                        .get(1))
                .as("filled with 0, as before")
                .containsExactly(Occlusion.inputs(input, h, w, 4).get(1));
    }
}
