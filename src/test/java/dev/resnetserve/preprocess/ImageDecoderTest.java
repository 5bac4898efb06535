package dev.resnetserve.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resnetserve.support.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each decoder path on a 48x32 image whose left half is red and right half blue (see make-test-fixtures.py). */
class ImageDecoderTest {

    private static final int WHITE = 0xFFFFFF;

    private final ImageDecoder decoder = new ImageDecoder(new ImageLimits(1_000_000, 4_000));

    @ParameterizedTest
    @ValueSource(
            strings = {
                "halves.png",
                "halves.jpg",
                "halves.bmp",
                "halves.tiff",
                "halves.webp",
                "halves-cmyk.jpg",
                "halves-16bit.png",
                "halves-animated.gif"
            })
    void decodesEveryFormatToRgb(String file) {
        RgbImage image = decoder.decode(Fixtures.bytes("formats/" + file), AlphaMode.DROP, WHITE);

        assertThat(image.width()).isEqualTo(48);
        assertThat(image.height()).isEqualTo(32);
        assertColour(image, 5, 16, 255, 0, 0);
        assertColour(image, 42, 16, 0, 0, 255);
    }

    @Test
    void gifGivesItsFirstFrame() {
        RgbImage image = decoder.decode(Fixtures.bytes("formats/halves-animated.gif"), AlphaMode.DROP, WHITE);

        assertThat(image.sample(5, 5, 1)).as("green of the second frame").isLessThan(30);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jpg", "png", "webp", "tiff"})
    void appliesExifOrientation(String format) {
        RgbImage image =
                decoder.decode(Fixtures.bytes("formats/halves-exif-rotate90." + format), AlphaMode.DROP, WHITE);

        assertThat(image.width()).isEqualTo(32);
        assertThat(image.height()).isEqualTo(48);
        assertColour(image, 16, 5, 255, 0, 0);
        assertColour(image, 16, 42, 0, 0, 255);
    }

    @Test
    void dropsAlphaLikePilConvertRgb() {
        RgbImage image = decoder.decode(Fixtures.bytes("formats/halves-alpha.png"), AlphaMode.DROP, WHITE);

        assertColour(image, 5, 16, 255, 0, 0);
        assertColour(image, 42, 16, 0, 0, 255);
    }

    @Test
    void compositesAlphaOnTheBackground() {
        RgbImage image = decoder.decode(Fixtures.bytes("formats/halves-alpha.png"), AlphaMode.COMPOSITE, 0x102030);

        assertColour(image, 5, 16, 255, 0, 0);
        assertColour(image, 42, 16, 0x10, 0x20, 0x30);
    }

    @Test
    void refusesTooManyPixelsFromTheHeaderAlone() {
        byte[] bomb = Fixtures.pngDeclaring(3_000, 3_000);

        assertThat(bomb.length).isLessThan(100);
        assertThatThrownBy(() -> decoder.decode(bomb, AlphaMode.DROP, WHITE))
                .isInstanceOf(ImageTooLargeException.class)
                .hasMessageContaining("9000000 pixels");
    }

    @Test
    void refusesAnOverlongSide() {
        assertThatThrownBy(() -> decoder.decode(Fixtures.pngDeclaring(10_000, 1), AlphaMode.DROP, WHITE))
                .isInstanceOf(ImageTooLargeException.class)
                .hasMessageContaining("longest side");
    }

    @Test
    void refusesWhatIsNotAnImage() {
        assertThatThrownBy(() -> decoder.decode("hello".getBytes(StandardCharsets.UTF_8), AlphaMode.DROP, WHITE))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("not an image");
        assertThatThrownBy(() -> decoder.decode(new byte[0], AlphaMode.DROP, WHITE))
                .isInstanceOf(InvalidImageException.class);
    }

    @Test
    void refusesATruncatedPng() {
        byte[] png = Fixtures.bytes("parity/astronaut.png");
        byte[] truncated = Arrays.copyOf(png, png.length / 3);

        assertThatThrownBy(() -> decoder.decode(truncated, AlphaMode.DROP, WHITE))
                .isInstanceOf(InvalidImageException.class);
    }

    private static void assertColour(RgbImage image, int x, int y, int r, int g, int b) {
        int[] actual = {image.sample(x, y, 0), image.sample(x, y, 1), image.sample(x, y, 2)};
        assertThat(actual).as("RGB at (%d, %d)", x, y).satisfies(rgb -> {
            assertThat(rgb[0]).isCloseTo(r, org.assertj.core.data.Offset.offset(8));
            assertThat(rgb[1]).isCloseTo(g, org.assertj.core.data.Offset.offset(8));
            assertThat(rgb[2]).isCloseTo(b, org.assertj.core.data.Offset.offset(8));
        });
    }
}
