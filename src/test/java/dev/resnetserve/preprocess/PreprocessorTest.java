package dev.resnetserve.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fitting modes the parity fixtures do not reach (pad, stretch), normalisation with a spec of its own, and the
 * spec's bounds, presets and value semantics. Colours are chosen so that resampling leaves them exact: a solid
 * area stays its colour under Pillow's bilinear filter.
 */
class PreprocessorTest {

    private static final float[] MEAN = {0.5f, 0.25f, 0.125f};
    private static final float[] STD = {0.25f, 0.5f, 0.2f};
    private static final int BACKGROUND = 0x102030;
    private static final int[] BG = {0x10, 0x20, 0x30};
    private static final int[] RED = {255, 0, 0};
    private static final int[] BLUE = {0, 0, 255};

    private final Preprocessor preprocessor = new Preprocessor();

    @Test
    void padKeepsTheAspectRatioAndCentresAWideImageVertically() {
        // 48x32 into 16x16: scale 1/3, inner 16x11 (10.67 rounded), top (16 - 11) / 2 = 2
        byte[] out = preprocessor.fit(halves(48, 32), spec(ResizeMode.PAD, 16, 16, 16));

        assertThat(out).hasSize(16 * 16 * 3);
        for (int x : new int[] {0, 7, 8, 15}) {
            assertThat(pixel(out, 16, x, 0)).as("row 0, x %d", x).containsExactly(BG);
            assertThat(pixel(out, 16, x, 1)).as("row 1, x %d", x).containsExactly(BG);
            assertThat(pixel(out, 16, x, 13)).as("row 13, x %d", x).containsExactly(BG);
            assertThat(pixel(out, 16, x, 15)).as("row 15, x %d", x).containsExactly(BG);
        }
        for (int y : new int[] {2, 7, 12}) {
            assertThat(pixel(out, 16, 0, y)).as("left edge, row %d", y).containsExactly(RED);
            assertThat(pixel(out, 16, 5, y)).as("left half, row %d", y).containsExactly(RED);
            assertThat(pixel(out, 16, 10, y)).as("right half, row %d", y).containsExactly(BLUE);
            assertThat(pixel(out, 16, 15, y)).as("right edge, row %d", y).containsExactly(BLUE);
        }
    }

    /** A fine-tuning job's input size (FineTuneOptions#inputSize): the same share of the image, more pixels. */
    @Test
    void aSpecScaledToAnotherInputSizeFitsTheSameImageAtThatSize() {
        assertThat(PreprocessingSpec.wholeImage(192).withInputSize(256)).isEqualTo(PreprocessingSpec.wholeImage(256));
        PreprocessingSpec imagenet = PreprocessingSpec.imagenet().withInputSize(448);
        assertThat(List.of(imagenet.resize(), imagenet.width(), imagenet.height()))
                .containsExactly(512, 448, 448);
        PreprocessingSpec wide = spec(ResizeMode.PAD, 16, 16, 12).withInputSize(32);
        assertThat(List.of(wide.width(), wide.height())).containsExactly(32, 24);
        assertThat(wide.mean()).containsExactly(MEAN);
        assertThat(wide.background()).isEqualTo(BACKGROUND);

        // the 48x32 halves padded into 32x32 instead of 16x16: the picture of the test above, twice the pixels
        byte[] out = preprocessor.fit(
                halves(48, 32), spec(ResizeMode.PAD, 16, 16, 16).withInputSize(32));
        assertThat(out).hasSize(32 * 32 * 3);
        for (int x : new int[] {0, 15, 16, 31}) {
            assertThat(pixel(out, 32, x, 2)).as("row 2, x %d", x).containsExactly(BG);
            assertThat(pixel(out, 32, x, 29)).as("row 29, x %d", x).containsExactly(BG);
        }
        for (int y : new int[] {6, 16, 24}) {
            assertThat(pixel(out, 32, 0, y)).as("left edge, row %d", y).containsExactly(RED);
            assertThat(pixel(out, 32, 31, y)).as("right edge, row %d", y).containsExactly(BLUE);
        }
    }

    @Test
    void padCentresATallImageHorizontally() {
        // 32x48 into 16x16: inner 11x16, left 2
        byte[] out = preprocessor.fit(halves(32, 48), spec(ResizeMode.PAD, 16, 16, 16));

        for (int y : new int[] {0, 8, 15}) {
            assertThat(pixel(out, 16, 0, y)).containsExactly(BG);
            assertThat(pixel(out, 16, 1, y)).containsExactly(BG);
            assertThat(pixel(out, 16, 2, y)).containsExactly(RED);
            assertThat(pixel(out, 16, 12, y)).containsExactly(BLUE);
            assertThat(pixel(out, 16, 13, y)).containsExactly(BG);
            assertThat(pixel(out, 16, 15, y)).containsExactly(BG);
        }
    }

    @Test
    void padIntoANonSquareInputUsesWidthAndHeightEachInItsPlace() {
        // a 10x10 image into 20 wide, 10 high: scale 1, inner 10x10 at left 5, top 0
        byte[] out = preprocessor.fit(solid(10, 10, RED), spec(ResizeMode.PAD, 20, 20, 10));

        assertThat(out).hasSize(20 * 10 * 3);
        for (int y : new int[] {0, 9}) {
            assertThat(pixel(out, 20, 4, y)).containsExactly(BG);
            assertThat(pixel(out, 20, 5, y)).containsExactly(RED);
            assertThat(pixel(out, 20, 14, y)).containsExactly(RED);
            assertThat(pixel(out, 20, 15, y)).containsExactly(BG);
        }
    }

    @Test
    void padOfAnExtremeImageKeepsAtLeastOnePixel() {
        // 400x1 into 8x8: the inner height rounds to 0 and is kept at 1, in row (8 - 1) / 2 = 3
        byte[] out = preprocessor.fit(solid(400, 1, BLUE), spec(ResizeMode.PAD, 8, 8, 8));

        assertThat(pixel(out, 8, 0, 2)).containsExactly(BG);
        assertThat(pixel(out, 8, 0, 3)).containsExactly(BLUE);
        assertThat(pixel(out, 8, 7, 3)).containsExactly(BLUE);
        assertThat(pixel(out, 8, 0, 4)).containsExactly(BG);
    }

    @Test
    void stretchFillsTheWholeInputIgnoringTheAspectRatio() {
        byte[] out = preprocessor.fit(halves(48, 32), spec(ResizeMode.STRETCH, 8, 8, 4));

        assertThat(out).hasSize(8 * 4 * 3);
        for (int y = 0; y < 4; y++) {
            assertThat(pixel(out, 8, 0, y)).containsExactly(RED);
            assertThat(pixel(out, 8, 2, y)).containsExactly(RED);
            assertThat(pixel(out, 8, 5, y)).containsExactly(BLUE);
            assertThat(pixel(out, 8, 7, y)).containsExactly(BLUE);
        }
    }

    @Test
    void centerCropOfAWideImageTakesTheMiddle() {
        // 64x16 wide: resized to 32x8 (shorter side to 8), the middle 8x8 taken from left 12: the red/blue boundary
        // (resized column 16) falls in the crop's column 4
        byte[] out = preprocessor.fit(halves(64, 16), spec(ResizeMode.CENTER_CROP, 8, 8, 8));

        assertThat(out).hasSize(8 * 8 * 3);
        for (int y : new int[] {0, 7}) {
            assertThat(pixel(out, 8, 0, y)).containsExactly(RED);
            assertThat(pixel(out, 8, 2, y)).containsExactly(RED);
            assertThat(pixel(out, 8, 5, y)).containsExactly(BLUE);
            assertThat(pixel(out, 8, 7, y)).containsExactly(BLUE);
        }
    }

    @Test
    void normaliseDividesBy255SubtractsTheMeanDividesByTheStdChannelMajor() {
        PreprocessingSpec spec = spec(ResizeMode.STRETCH, 2, 2, 1);
        byte[] rgb = {(byte) 255, 0, 51, 0, (byte) 255, (byte) 255};

        float[] chw = preprocessor.normalise(rgb, spec);

        assertThat(chw)
                .containsExactly(
                        (1f - 0.5f) / 0.25f, // red, pixel 0
                        (0f - 0.5f) / 0.25f, // red, pixel 1
                        (0f - 0.25f) / 0.5f, // green
                        (1f - 0.25f) / 0.5f,
                        (51 / 255f - 0.125f) / 0.2f, // blue
                        (1f - 0.125f) / 0.2f);
    }

    @Test
    void toTensorIsFitThenNormalise() {
        PreprocessingSpec spec = spec(ResizeMode.PAD, 16, 16, 16);
        RgbImage image = halves(48, 32);

        assertThat(preprocessor.toTensor(image, spec))
                .containsExactly(preprocessor.normalise(preprocessor.fit(image, spec), spec));
    }

    @Test
    void theSpecRefusesWhatCannotBeBuilt() {
        assertThatThrownBy(() -> new PreprocessingSpec(null, 8, 8, 8, MEAN, STD, AlphaMode.DROP, 0))
                .hasMessageContaining("mode and alpha");
        assertThatThrownBy(() -> new PreprocessingSpec(ResizeMode.PAD, 8, 8, 8, MEAN, STD, null, 0))
                .hasMessageContaining("mode and alpha");
        for (int[] size : new int[][] {{0, 8}, {8, 0}, {4097, 8}, {8, 4097}, {-1, 8}}) {
            assertThatThrownBy(() -> spec(ResizeMode.PAD, 8, size[0], size[1]))
                    .as("%dx%d", size[0], size[1])
                    .hasMessageContaining("within 1..4096");
        }
        assertThat(spec(ResizeMode.PAD, 8, 1, 1).width()).isEqualTo(1);
        assertThat(spec(ResizeMode.PAD, 8, 4096, 4096).height()).isEqualTo(4096);
        assertThatThrownBy(() -> spec(ResizeMode.CENTER_CROP, 7, 8, 4)).hasMessageContaining("resize (7)");
        assertThatThrownBy(() -> spec(ResizeMode.CENTER_CROP, 7, 4, 8)).hasMessageContaining("resize (7)");
        assertThat(spec(ResizeMode.CENTER_CROP, 8, 8, 4).resize()).isEqualTo(8);
        assertThat(spec(ResizeMode.PAD, 4, 8, 8).resize())
                .as("only a crop needs resize >= size")
                .isEqualTo(4);
        assertThatThrownBy(() -> new PreprocessingSpec(ResizeMode.PAD, 8, 8, 8, null, STD, AlphaMode.DROP, 0))
                .hasMessageContaining("exactly 3");
        assertThatThrownBy(() -> new PreprocessingSpec(ResizeMode.PAD, 8, 8, 8, MEAN, null, AlphaMode.DROP, 0))
                .hasMessageContaining("exactly 3");
        assertThatThrownBy(() ->
                        new PreprocessingSpec(ResizeMode.PAD, 8, 8, 8, new float[] {0, 0}, STD, AlphaMode.DROP, 0))
                .hasMessageContaining("exactly 3");
        assertThatThrownBy(() -> new PreprocessingSpec(
                        ResizeMode.PAD, 8, 8, 8, MEAN, new float[] {1, 1, 1, 1}, AlphaMode.DROP, 0))
                .hasMessageContaining("exactly 3");
        for (float bad : new float[] {0f, -0.1f, Float.NaN}) {
            assertThatThrownBy(() -> new PreprocessingSpec(
                            ResizeMode.PAD, 8, 8, 8, MEAN, new float[] {1, bad, 1}, AlphaMode.DROP, 0))
                    .as("std %s", bad)
                    .hasMessageContaining("positive");
        }
    }

    @Test
    void theSpecCopiesItsArraysInAndOut() {
        float[] mean = MEAN.clone();
        PreprocessingSpec spec = new PreprocessingSpec(ResizeMode.PAD, 8, 8, 8, mean, STD, AlphaMode.DROP, 0);
        mean[0] = 9;
        spec.mean()[1] = 9;
        spec.std()[2] = 9;

        assertThat(spec.mean()).containsExactly(MEAN);
        assertThat(spec.std()).containsExactly(STD);
    }

    @Test
    void presetsAreTorchvisionsTransformsByName() {
        PreprocessingSpec imagenet = PreprocessingSpec.imagenet();
        assertThat(imagenet.mode()).isEqualTo(ResizeMode.CENTER_CROP);
        assertThat(new int[] {imagenet.resize(), imagenet.width(), imagenet.height()})
                .containsExactly(256, 224, 224);
        assertThat(imagenet.mean()).containsExactly(0.485f, 0.456f, 0.406f);
        assertThat(imagenet.std()).containsExactly(0.229f, 0.224f, 0.225f);
        assertThat(imagenet.alpha()).isEqualTo(AlphaMode.DROP);
        assertThat(imagenet.background()).isEqualTo(0xFFFFFF);

        PreprocessingSpec whole = PreprocessingSpec.wholeImage(100);
        assertThat(whole.mode()).isEqualTo(ResizeMode.PAD);
        assertThat(new int[] {whole.resize(), whole.width(), whole.height()}).containsExactly(100, 100, 100);
        assertThat(whole.mean()).containsExactly(imagenet.mean());
        assertThat(whole.std()).containsExactly(imagenet.std());
        assertThat(whole.alpha()).isEqualTo(AlphaMode.COMPOSITE);
        assertThat(whole.background()).isEqualTo(0xFFFFFF);

        assertThat(PreprocessingSpec.preset("imagenet")).isEqualTo(imagenet);
        assertThat(PreprocessingSpec.preset("whole-image")).isEqualTo(PreprocessingSpec.wholeImage(224));
        assertThatThrownBy(() -> PreprocessingSpec.preset("imagenette")).hasMessageContaining("'imagenette'");
        assertThat("imagenet").matches(PreprocessingSpec.PRESETS);
        assertThat("whole-image").matches(PreprocessingSpec.PRESETS);
    }

    @Test
    void specsAreEqualByValue() {
        PreprocessingSpec spec = new PreprocessingSpec(ResizeMode.PAD, 8, 8, 6, MEAN, STD, AlphaMode.DROP, 1);
        PreprocessingSpec same =
                new PreprocessingSpec(ResizeMode.PAD, 8, 8, 6, MEAN.clone(), STD.clone(), AlphaMode.DROP, 1);

        assertThat(spec).isEqualTo(same).hasSameHashCodeAs(same).isNotEqualTo("spec");
        PreprocessingSpec[] others = {
            new PreprocessingSpec(ResizeMode.STRETCH, 8, 8, 6, MEAN, STD, AlphaMode.DROP, 1),
            new PreprocessingSpec(ResizeMode.PAD, 9, 8, 6, MEAN, STD, AlphaMode.DROP, 1),
            new PreprocessingSpec(ResizeMode.PAD, 8, 7, 6, MEAN, STD, AlphaMode.DROP, 1),
            new PreprocessingSpec(ResizeMode.PAD, 8, 8, 7, MEAN, STD, AlphaMode.DROP, 1),
            new PreprocessingSpec(ResizeMode.PAD, 8, 8, 6, STD, STD, AlphaMode.DROP, 1),
            new PreprocessingSpec(ResizeMode.PAD, 8, 8, 6, MEAN, new float[] {1, 1, 1}, AlphaMode.DROP, 1),
            new PreprocessingSpec(ResizeMode.PAD, 8, 8, 6, MEAN, STD, AlphaMode.COMPOSITE, 1),
            new PreprocessingSpec(ResizeMode.PAD, 8, 8, 6, MEAN, STD, AlphaMode.DROP, 2),
        };
        for (PreprocessingSpec other : others) {
            assertThat(spec).as("%s", other).isNotEqualTo(other);
            assertThat(spec.hashCode()).as("%s", other).isNotEqualTo(other.hashCode());
        }
        assertThat(spec.toString())
                .isEqualTo("PreprocessingSpec[mode=PAD, resize=8, size=8x6, mean=[0.5, 0.25, 0.125], "
                        + "std=[0.25, 0.5, 0.2], alpha=DROP, background=#000001]");
    }

    private static PreprocessingSpec spec(ResizeMode mode, int resize, int width, int height) {
        return new PreprocessingSpec(mode, resize, width, height, MEAN, STD, AlphaMode.COMPOSITE, BACKGROUND);
    }

    private static int[] pixel(byte[] rgb, int width, int x, int y) {
        int i = (y * width + x) * 3;
        return new int[] {rgb[i] & 0xFF, rgb[i + 1] & 0xFF, rgb[i + 2] & 0xFF};
    }

    private static RgbImage solid(int width, int height, int[] colour) {
        byte[] pixels = new byte[width * height * 3];
        for (int i = 0; i < pixels.length; i += 3) {
            pixels[i] = (byte) colour[0];
            pixels[i + 1] = (byte) colour[1];
            pixels[i + 2] = (byte) colour[2];
        }
        return new RgbImage(width, height, pixels);
    }

    /** Left half red, right half blue. */
    private static RgbImage halves(int width, int height) {
        return columns(width, height, width / 2);
    }

    /** Red left of column {@code boundary}, blue from it on. */
    private static RgbImage columns(int width, int height, int boundary) {
        byte[] pixels = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int[] colour = x < boundary ? RED : BLUE;
                int i = (y * width + x) * 3;
                pixels[i] = (byte) colour[0];
                pixels[i + 1] = (byte) colour[1];
                pixels[i + 2] = (byte) colour[2];
            }
        }
        return new RgbImage(width, height, pixels);
    }
}
