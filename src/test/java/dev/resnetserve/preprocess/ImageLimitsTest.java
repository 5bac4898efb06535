package dev.resnetserve.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Each limit at its edge: the last size accepted and the first refused, with the refusal's kind and message. */
class ImageLimitsTest {

    private final ImageLimits limits = new ImageLimits(100, 20, 3);

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new ImageLimits(0, 1, 1)).hasMessageContaining("positive");
        assertThatThrownBy(() -> new ImageLimits(1, 0, 1)).hasMessageContaining("positive");
        assertThatThrownBy(() -> new ImageLimits(1, 1, 0)).hasMessageContaining("positive");
        assertThat(new ImageLimits(1, 1, 1).maxPixels()).isEqualTo(1);
        assertThat(new ImageLimits(5, 6).maxJpegScans()).isEqualTo(ImageLimits.DEFAULT_MAX_JPEG_SCANS);
    }

    @Test
    void aSizeWithNoPixelsIsInvalid() {
        for (int[] size : new int[][] {{0, 5}, {5, 0}, {-1, 5}, {5, -1}}) {
            assertThatThrownBy(() -> limits.check(size[0], size[1]))
                    .isInstanceOf(InvalidImageException.class)
                    .hasMessageContaining("declares no pixels (" + size[0] + "x" + size[1] + ")");
        }
        assertThatCode(() -> limits.check(1, 1)).doesNotThrowAnyException();
    }

    @Test
    void eachSideAndThePixelCountAreBounded() {
        assertThatCode(() -> limits.check(20, 5)).doesNotThrowAnyException();
        assertThatCode(() -> limits.check(5, 20)).doesNotThrowAnyException();
        assertThatCode(() -> limits.check(10, 10)).as("exactly maxPixels").doesNotThrowAnyException();
        assertThatThrownBy(() -> limits.check(21, 1))
                .isInstanceOf(ImageTooLargeException.class)
                .hasMessage("the image is 21x1; the longest side allowed is 20 pixels");
        assertThatThrownBy(() -> limits.check(1, 21)).isInstanceOf(ImageTooLargeException.class);
        assertThatThrownBy(() -> limits.check(11, 10))
                .isInstanceOf(ImageTooLargeException.class)
                .hasMessage("the image is 11x10 = 110 pixels; at most 100 are allowed");
        // the product in 64 bits: 65536 x 65536 overflows an int to 0
        ImageLimits wide = new ImageLimits(1_000_000, 70_000);
        assertThatThrownBy(() -> wide.check(65_536, 65_536)).isInstanceOf(ImageTooLargeException.class);
    }

    @Test
    void aJpegMayHaveUpToMaxJpegScans() {
        byte[] three = jpegWithScans(3);
        byte[] four = jpegWithScans(4);

        assertThat(limits.checkJpegScans(three)).isEqualTo(3);
        assertThatThrownBy(() -> limits.checkJpegScans(four))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("more than 3 scans");
    }

    @Test
    void scansTimesPixelsAreBoundedAt16FullSizeImages() {
        // 16 x 100 = 1600 scan-pixels allowed
        assertThatCode(() -> limits.checkJpegWork(16, 10, 10)).doesNotThrowAnyException();
        assertThatCode(() -> limits.checkJpegWork(32, 10, 5)).doesNotThrowAnyException();
        assertThatThrownBy(() -> limits.checkJpegWork(17, 10, 10))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("the JPEG has 17 scans of 10x10 pixels; at most 16 scans are decoded at that size");
        assertThatThrownBy(() -> limits.checkJpegWork(33, 10, 5)).hasMessageContaining("at most 32 scans");
        // in 64 bits: 100 scans of 65536 x 65536 overflow an int
        ImageLimits large = new ImageLimits(Integer.MAX_VALUE, 70_000);
        assertThatThrownBy(() -> large.checkJpegWork(100, 65_536, 65_536)).isInstanceOf(InvalidImageException.class);
    }

    private static byte[] jpegWithScans(int scans) {
        byte[] jpeg = new byte[2 + scans * 5 + 2];
        jpeg[0] = (byte) 0xFF;
        jpeg[1] = (byte) 0xD8;
        for (int i = 0; i < scans; i++) {
            int at = 2 + i * 5;
            jpeg[at] = (byte) 0xFF;
            jpeg[at + 1] = (byte) 0xDA;
            jpeg[at + 2] = 0;
            jpeg[at + 3] = 2;
            jpeg[at + 4] = 0x11;
        }
        jpeg[jpeg.length - 2] = (byte) 0xFF;
        jpeg[jpeg.length - 1] = (byte) 0xD9;
        return jpeg;
    }
}
