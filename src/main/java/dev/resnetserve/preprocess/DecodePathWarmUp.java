package dev.resnetserve.preprocess;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Runs the decode and preprocess path once per common format and preset at start, as the predictors are warmed up:
 * the first request would otherwise pay for loading the ImageIO plugins and for cold code (tens of ms).
 */
public final class DecodePathWarmUp {

    private DecodePathWarmUp() {}

    public static void run(ImageDecoder decoder, Preprocessor preprocessor) {
        BufferedImage image = new BufferedImage(320, 240, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, 0x80000000 | (x << 16) | (y << 8) | (x ^ y) & 0xFF);
            }
        }
        BufferedImage rgb = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        rgb.createGraphics().drawImage(image, 0, 0, null);
        byte[][] samples = {encode(rgb, "jpeg"), encode(image, "png")};
        for (int round = 0; round < 3; round++) {
            for (byte[] encoded : samples) {
                RgbImage decoded = decoder.decode(encoded, AlphaMode.COMPOSITE, 0xFFFFFF);
                preprocessor.toTensor(decoded, PreprocessingSpec.imagenet());
                preprocessor.toTensor(decoded, PreprocessingSpec.wholeImage(128));
            }
        }
    }

    private static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
