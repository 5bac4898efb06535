package dev.resnetserve.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.support.Fixtures;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The 224x224 RGB crop we feed the model must be the one torchvision feeds it: PIL decode, convert("RGB"),
 * Resize(256), CenterCrop(224). The reference crops were written by scripts/make-test-fixtures.py.
 */
class PreprocessingParityTest {

    static final String[] PARITY_IMAGES = Fixtures.PARITY_IMAGES;

    private static final ImageLimits LIMITS = new ImageLimits(40_000_000, 65_500);

    private final ImageDecoder decoder = new ImageDecoder(LIMITS);
    private final Preprocessor preprocessor = new Preprocessor();

    @ParameterizedTest
    @FieldSource("PARITY_IMAGES")
    void cropMatchesTorchvisionByteForByte(String image) {
        assertSameCropAsTorchvision(image, decoder);
    }

    @ParameterizedTest
    @FieldSource("PARITY_IMAGES")
    void cropMatchesTorchvisionByteForByteWithJpegThroughLibjpegTurbo(String image) {
        ImageDecoder turbo = new ImageDecoder(
                LIMITS,
                Optional.of(TurboJpeg.load("turbojpeg")
                        .orElseThrow(() ->
                                new AssertionError("libturbojpeg is not installed (scripts/test.sh installs it)"))));
        assertSameCropAsTorchvision(image, turbo);
    }

    private void assertSameCropAsTorchvision(String image, ImageDecoder decoder) {
        byte[] ours = crop(image, AlphaMode.DROP, decoder);
        byte[] theirs = Fixtures.gunzip("parity/" + image + ".drop.crop.gz");

        assertThat(ours).hasSameSizeAs(theirs);
        assertThat(differingBytes(ours, theirs))
                .as("bytes differing from torchvision's crop")
                .isZero();
    }

    /**
     * The normalised tensor itself, against torchvision's ToTensor and Normalize of the reference crop
     * (scripts/make-tensor-fixtures.py): a mean or std off by a grey level, or a channel out of order, fails here
     * even where the parity model's probabilities would hardly move.
     */
    @ParameterizedTest
    @FieldSource("PARITY_IMAGES")
    void tensorMatchesTorchvisionWithinOneMillionth(String image) {
        RgbImage rgb = decoder.decode(Fixtures.bytes("parity/" + image), AlphaMode.DROP, 0xFFFFFF);
        float[] ours = preprocessor.toTensor(rgb, PreprocessingSpec.imagenet());
        FloatBuffer theirs = ByteBuffer.wrap(Fixtures.gunzip("parity/" + image + ".drop.tensor.gz"))
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer();

        assertThat(ours).hasSize(theirs.remaining()).hasSize(3 * 224 * 224);
        double worst = 0;
        for (int i = 0; i < ours.length; i++) {
            worst = Math.max(worst, Math.abs(ours[i] - theirs.get(i)));
        }
        assertThat(worst).as("largest difference from torchvision's tensor").isLessThanOrEqualTo(1e-6);
    }

    @ParameterizedTest
    @CsvSource("astronaut-rgba.png")
    void compositedCropMatchesPillowAlphaCompositeOnWhite(String image) {
        byte[] ours = crop(image, AlphaMode.COMPOSITE, decoder);
        byte[] theirs = Fixtures.gunzip("parity/" + image + ".composite-white.crop.gz");

        assertThat(differingBytes(ours, theirs)).isZero();
    }

    private byte[] crop(String image, AlphaMode alpha, ImageDecoder decoder) {
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
