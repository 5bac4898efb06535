package dev.resnetserve.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resnetserve.support.Fixtures;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An ImageIO decode stops once the request's deadline has passed: the reader is aborted from its progress
 * callbacks. A deadline already past when decoding starts makes the first callback abort, with no timing involved.
 */
class DecodeDeadlineTest {

    private final ImageDecoder decoder = new ImageDecoder(new ImageLimits(40_000_000, 65_500));

    @ParameterizedTest
    @ValueSource(
            strings = {
                "parity/astronaut.png",
                "parity/coffee-progressive.jpg",
                "parity/chelsea.jpg",
                "formats/halves.webp",
                "formats/halves.tiff",
                "formats/halves.bmp",
                "formats/halves-animated.gif"
            })
    void stopsADecodeOnceTheDeadlineHasPassed(String file) {
        byte[] image = Fixtures.bytes(file);

        assertThatThrownBy(
                        () -> decoder.decode(image, AlphaMode.DROP, 0xFFFFFF, OptionalLong.of(System.nanoTime() - 1)))
                .isInstanceOf(DecodeDeadlineExceededException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"parity/astronaut.png", "parity/coffee-progressive.jpg"})
    void decodesWithADeadlineAheadOrNone(String file) {
        byte[] image = Fixtures.bytes(file);
        RgbImage plain = decoder.decode(image, AlphaMode.DROP, 0xFFFFFF);

        RgbImage withDeadline = decoder.decode(
                image, AlphaMode.DROP, 0xFFFFFF, OptionalLong.of(System.nanoTime() + TimeUnit.MINUTES.toNanos(10)));

        assertThat(withDeadline.pixels()).isEqualTo(plain.pixels());
    }
}
