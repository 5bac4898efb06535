package dev.resnetserve.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.support.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The 224x224 RGB crop we feed the model must be the one torchvision feeds it: PIL decode, convert("RGB"),
 * Resize(256), CenterCrop(224). The reference crops were written by scripts/make-test-fixtures.py.
 */
class PreprocessingParityTest {

    static final String[] PARITY_IMAGES = Fixtures.PARITY_IMAGES;

    private final ImageDecoder decoder = new ImageDecoder(new ImageLimits(40_000_000, 65_500));
    private final Preprocessor preprocessor = new Preprocessor();

    @ParameterizedTest
    @FieldSource("PARITY_IMAGES")
    void cropMatchesTorchvisionByteForByte(String image) {
        byte[] ours = crop(image, AlphaMode.DROP);
        byte[] theirs = Fixtures.gunzip("parity/" + image + ".drop.crop.gz");

        assertThat(ours).hasSameSizeAs(theirs);
        assertThat(differingBytes(ours, theirs)).as("bytes differing from torchvision's crop").isZero();
    }

    @ParameterizedTest
    @CsvSource("astronaut-rgba.png")
    void compositedCropMatchesPillowAlphaCompositeOnWhite(String image) {
        byte[] ours = crop(image, AlphaMode.COMPOSITE);
        byte[] theirs = Fixtures.gunzip("parity/" + image + ".composite-white.crop.gz");

        assertThat(differingBytes(ours, theirs)).isZero();
    }

    private byte[] crop(String image, AlphaMode alpha) {
        RgbImage rgb = decoder.decode(Fixtures.bytes("parity/" + image), alpha, 0xFFFFFF);
        return preprocessor.fit(rgb, PreprocessingSpec.imagenet());
    }

    private static int differingBytes(byte[] a, byte[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                n++;
            }
        }
        return n;
    }
}
