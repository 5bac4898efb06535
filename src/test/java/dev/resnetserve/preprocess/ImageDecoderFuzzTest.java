package dev.resnetserve.preprocess;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer over decoding and preprocessing: any bytes either become a tensor or are refused with
 * {@link InvalidImageException} / {@link ImageTooLargeException}; anything else (an unchecked exception, an error,
 * a hang) is a finding. Seeds: ImageDecoderFuzzTestInputs; findings land there too and then run as regression
 * tests in every build. Fuzzing for real: {@code JAZZER_FUZZ=1 mvn test -Dtest=ImageDecoderFuzzTest}.
 */
class ImageDecoderFuzzTest {

    // as the service decodes: JPEG through libjpeg-turbo (native, so uninstrumented, but its answers and refusals
    // still pass through our code), everything else and whatever it hands back through ImageIO
    private final ImageDecoder decoder =
            new ImageDecoder(new ImageLimits(4_000_000, 16_384), TurboJpeg.load("turbojpeg"));
    private final Preprocessor preprocessor = new Preprocessor();

    @FuzzTest(maxDuration = "45s")
    void decodeAndPreprocess(byte[] data) {
        try {
            RgbImage image = decoder.decode(data, AlphaMode.COMPOSITE, 0xFFFFFF);
            preprocessor.toTensor(image, PreprocessingSpec.imagenet());
            preprocessor.toTensor(image, PreprocessingSpec.wholeImage(64));
        } catch (InvalidImageException | ImageTooLargeException refused) {
            // the two answers bad input may get
        }
    }
}
