package dev.resnetserve.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resnetserve.support.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The libjpeg-turbo path must give ImageIO's pixels (which are Pillow's: PreprocessingParityTest) and hand every
 * file it is unsure of back to ImageIO. Needs Debian's libturbojpeg0, which scripts/test.sh installs.
 */
class TurboJpegTest {

    private static final ImageLimits LIMITS = new ImageLimits(40_000_000, 65_500);

    private final TurboJpeg turbo = TurboJpeg.load("turbojpeg")
            .orElseThrow(() -> new AssertionError(
                    "libturbojpeg is not installed (apt-get install libturbojpeg0; scripts/test.sh does)"));
    private final ImageDecoder imageIo = new ImageDecoder(LIMITS);
    private final ImageDecoder withTurbo = new ImageDecoder(LIMITS, Optional.of(turbo));

    @ParameterizedTest
    @ValueSource(
            strings = {
                "parity/chelsea.jpg",
                "parity/coffee-progressive.jpg",
                "parity/camera-gray.jpg",
                "parity/coffee-wide.jpg",
                "parity/chelsea-small.jpg",
                "formats/halves.jpg"
            })
    void decodesTheSamePixelsAsImageIo(String file) {
        byte[] jpeg = Fixtures.bytes(file);

        Optional<RgbImage> fast = turbo.decode(jpeg, LIMITS);
        RgbImage reference = imageIo.decode(jpeg, AlphaMode.DROP, 0xFFFFFF);

        assertThat(fast).as("decoded by libjpeg-turbo, not handed back").isPresent();
        assertThat(fast.get().width()).isEqualTo(reference.width());
        assertThat(fast.get().height()).isEqualTo(reference.height());
        assertThat(fast.get().pixels()).isEqualTo(reference.pixels());
    }

    @Test
    void theDecoderStillAppliesExifOrientationAfterIt() {
        byte[] jpeg = Fixtures.bytes("formats/halves-exif-rotate90.jpg");

        RgbImage image = withTurbo.decode(jpeg, AlphaMode.DROP, 0xFFFFFF);

        assertThat(turbo.decode(jpeg, LIMITS)).isPresent();
        assertThat(image.pixels())
                .isEqualTo(imageIo.decode(jpeg, AlphaMode.DROP, 0xFFFFFF).pixels());
        assertThat(image.width()).isEqualTo(32);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/fixtures/formats/halves-cmyk.jpg",
                "/hostile/cmyk.jpg",
                "/hostile/truncated.jpg",
                "/hostile/bad-huffman.jpg",
                "/hostile/truncated-header.jpg"
            })
    void handsCmykAndDamagedFilesBackToImageIo(String file) {
        assertThat(turbo.decode(resource(file), LIMITS)).isEmpty();
    }

    @Test
    void refusesADeclaredSizeBeyondTheLimitsBeforeDecoding() {
        assertThatThrownBy(() -> turbo.decode(resource("/hostile/jpeg-65500x65500.jpg"), LIMITS))
                .isInstanceOf(ImageTooLargeException.class)
                .hasMessageContaining("65500x65500");
    }

    @Test
    void refusesASizeWhoseRgbArrayWouldOverflowAnInt() {
        // 50,000 x 50,000 x 3 wraps an int to a positive 3,205,032,704 - 2^32: refused, not a wrong-sized array
        assertThatThrownBy(() -> TurboJpeg.rgbBytes(50_000, 50_000)).isInstanceOf(ImageTooLargeException.class);
        assertThatThrownBy(() -> TurboJpeg.rgbBytes(30_000, 30_000)).isInstanceOf(ImageTooLargeException.class);
        assertThat(TurboJpeg.rgbBytes(7_000, 5_000)).isEqualTo(105_000_000);
    }

    @Test
    void aLibraryThatCannotBeLoadedLeavesJpegToImageIo() {
        assertThat(TurboJpeg.load("no-such-turbojpeg")).isEmpty();
        assertThat(new ImageDecoder(LIMITS, TurboJpeg.load("no-such-turbojpeg")).jpegDecoder())
                .isEqualTo("ImageIO");
        assertThat(withTurbo.jpegDecoder()).startsWith("libjpeg-turbo");
    }

    private static byte[] resource(String path) {
        try (InputStream in = TurboJpegTest.class.getResourceAsStream(path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
