package dev.resnetserve.preprocess;

import static dev.resnetserve.support.HostileFiles.declaring;
import static dev.resnetserve.support.HostileFiles.repeatLastScan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resnetserve.support.Fixtures;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A progressive JPEG whose last scan is repeated makes every decoder revisit the whole image once per scan: it must
 * be refused from its markers, before a decoder sees it, on both the libjpeg-turbo and the ImageIO path.
 */
class JpegScanLimitTest {

    private static final ImageLimits LIMITS = new ImageLimits(40_000_000, 65_500);
    private static final byte[] PROGRESSIVE = Fixtures.bytes("parity/coffee-progressive.jpg");

    private final ImageDecoder imageIo = new ImageDecoder(LIMITS);
    private final ImageDecoder withTurbo = new ImageDecoder(LIMITS, TurboJpeg.load("turbojpeg"));

    @Test
    void countsTheScansOfRealFiles() {
        assertThat(JpegScans.count(PROGRESSIVE, 1000))
                .as("libjpeg's default progression")
                .isEqualTo(10);
        assertThat(JpegScans.count(Fixtures.bytes("parity/chelsea.jpg"), 1000))
                .as("baseline")
                .isEqualTo(1);
    }

    @Test
    void skipsSegmentsByTheirLengthAndEntropyCodedDataToItsMarker() {
        // an APP15 segment full of SOS markers, and stuffed 0xFF00 and RST markers inside the scan: none count
        byte[] fakeScans = new byte[200];
        for (int i = 0; i < fakeScans.length; i += 2) {
            fakeScans[i] = (byte) 0xFF;
            fakeScans[i + 1] = (byte) 0xDA;
        }
        byte[] jpeg = concat(
                new byte[] {(byte) 0xFF, (byte) 0xD8},
                segment(0xEF, fakeScans),
                segment(0xDA, new byte[] {1, 1, 0, 0, 63, 0}),
                new byte[] {
                    0x12, (byte) 0xFF, 0x00, 0x34, (byte) 0xFF, (byte) 0xD3, 0x56, (byte) 0xFF, (byte) 0xFF, (byte) 0xD9
                });

        assertThat(JpegScans.count(jpeg, 1000)).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ImageIO", "libjpeg-turbo"})
    void refusesMoreScansThanTheLimit(String path) {
        byte[] bomb = repeatLastScan(PROGRESSIVE, 200);
        assertThat(JpegScans.count(bomb, 1000)).isEqualTo(210);

        assertThatThrownBy(() -> decoder(path).decode(bomb, AlphaMode.DROP, 0xFFFFFF))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("more than 100 scans");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ImageIO", "libjpeg-turbo"})
    void refusesBeforeAnyDecoderReadsTheHeader(String path) {
        // Declaring 65500x65500 would get 413 from either decoder's header: the scan refusal comes first.
        byte[] bomb = declaring(repeatLastScan(PROGRESSIVE, 200), 65_500, 65_500);

        assertThatThrownBy(() -> decoder(path).decode(bomb, AlphaMode.DROP, 0xFFFFFF))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("scans");
        assertThatThrownBy(() -> decoder(path).decode(declaring(PROGRESSIVE, 65_500, 65_500), AlphaMode.DROP, 0xFFFFFF))
                .as("the same file with its 10 scans")
                .isInstanceOf(ImageTooLargeException.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ImageIO", "libjpeg-turbo"})
    void decodesAFileAtTheLimit(String path) {
        byte[] atLimit = repeatLastScan(PROGRESSIVE, 90); // 100 scans (each repeated refinement adds its bits)

        RgbImage image = decoder(path).decode(atLimit, AlphaMode.DROP, 0xFFFFFF);

        RgbImage plain = decoder(path).decode(PROGRESSIVE, AlphaMode.DROP, 0xFFFFFF);
        assertThat(image.width()).isEqualTo(plain.width());
        assertThat(image.height()).isEqualTo(plain.height());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ImageIO", "libjpeg-turbo"})
    void scansAreBoundedByTheirPixelsToo(String path) {
        RgbImage plain = decoder(path).decode(PROGRESSIVE, AlphaMode.DROP, 0xFFFFFF);
        long pixels = (long) plain.width() * plain.height();
        // a pixel limit of twice this image: 16 x 2 = 32 scans of it may be decoded, not 40
        ImageLimits tight = new ImageLimits(2 * pixels, 65_500);
        ImageDecoder decoder = path.equals("libjpeg-turbo")
                ? new ImageDecoder(tight, TurboJpeg.load("turbojpeg"))
                : new ImageDecoder(tight);

        assertThat(decoder.decode(repeatLastScan(PROGRESSIVE, 22), AlphaMode.DROP, 0xFFFFFF)
                        .width())
                .as("32 scans")
                .isEqualTo(plain.width());
        assertThatThrownBy(() -> decoder.decode(repeatLastScan(PROGRESSIVE, 30), AlphaMode.DROP, 0xFFFFFF))
                .as("40 scans")
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("at most 32 scans");
    }

    @Test
    void libjpegTurboRefusesPastItsOwnLimitRatherThanHandingTheFileToImageIo() {
        TurboJpeg turbo = TurboJpeg.load("turbojpeg").orElseThrow();
        byte[] bomb = repeatLastScan(PROGRESSIVE, 600);

        assertThatThrownBy(() -> turbo.decode(bomb, LIMITS))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("scans");
    }

    private ImageDecoder decoder(String path) {
        if (path.equals("libjpeg-turbo")) {
            assertThat(withTurbo.jpegDecoder()).as("libturbojpeg0 installed").startsWith("libjpeg-turbo");
            return withTurbo;
        }
        return imageIo;
    }

    private static byte[] segment(int marker, byte[] data) {
        return concat(
                new byte[] {(byte) 0xFF, (byte) marker, (byte) ((data.length + 2) >> 8), (byte) (data.length + 2)},
                data);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
