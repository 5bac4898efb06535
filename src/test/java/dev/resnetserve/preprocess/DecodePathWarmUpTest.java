package dev.resnetserve.preprocess;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The start-up warm-up decodes its own JPEG and PNG through the real decoder and preprocesses both presets. */
class DecodePathWarmUpTest {

    @Test
    void runsTheDecodePathOnItsOwnImages() {
        assertThatCode(() ->
                        DecodePathWarmUp.run(new ImageDecoder(new ImageLimits(40_000_000, 65_500)), new Preprocessor()))
                .doesNotThrowAnyException();
    }

    @Test
    void itsImagesAreCheckedAgainstTheLimitsLikeAnyOther() {
        // 320x240 is over a limit of 320x239 pixels: the warm-up goes through the checks, not around them
        assertThatThrownBy(() ->
                        DecodePathWarmUp.run(new ImageDecoder(new ImageLimits(320 * 239, 65_500)), new Preprocessor()))
                .isInstanceOf(ImageTooLargeException.class);
    }
}
