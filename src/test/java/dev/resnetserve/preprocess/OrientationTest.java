package dev.resnetserve.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A 3x2 image whose pixels are numbered 0..5 row by row (in the red channel); each EXIF orientation must give
 * what Pillow's {@code ImageOps.exif_transpose} gives.
 */
class OrientationTest {

    private static final RgbImage NUMBERED = numbered();

    @ParameterizedTest(name = "orientation {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "1 | 3 | 0 1 2 3 4 5",
                "2 | 3 | 2 1 0 5 4 3",
                "3 | 3 | 5 4 3 2 1 0",
                "4 | 3 | 3 4 5 0 1 2",
                "5 | 2 | 0 3 1 4 2 5",
                "6 | 2 | 3 0 4 1 5 2",
                "7 | 2 | 5 2 4 1 3 0",
                "8 | 2 | 2 5 1 4 0 3",
            })
    void turnsPixelsAsExifTranspose(int orientation, int width, String expected) {
        RgbImage turned = Orientation.apply(NUMBERED, orientation);

        assertThat(turned.width()).isEqualTo(width);
        StringBuilder red = new StringBuilder();
        for (int y = 0; y < turned.height(); y++) {
            for (int x = 0; x < turned.width(); x++) {
                red.append(red.isEmpty() ? "" : " ").append(turned.sample(x, y, 0));
            }
        }
        assertThat(red.toString()).isEqualTo(expected);
    }

    private static RgbImage numbered() {
        byte[] pixels = new byte[3 * 2 * 3];
        for (int i = 0; i < 6; i++) {
            pixels[i * 3] = (byte) i;
        }
        return new RgbImage(3, 2, pixels);
    }
}
