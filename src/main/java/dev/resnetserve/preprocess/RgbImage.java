package dev.resnetserve.preprocess;

/**
 * A decoded image as 8-bit RGB, interleaved row by row ({@code r,g,b,r,g,b,...}): what PIL's
 * {@code Image.convert("RGB")} holds, and what the torchvision transforms start from.
 */
public record RgbImage(int width, int height, byte[] pixels) {

    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image dimensions must be positive: " + width + "x" + height);
        }
        if (pixels.length != width * height * 3) {
            throw new IllegalArgumentException("expected " + width * height * 3 + " bytes, got " + pixels.length);
        }
    }

    /** Channel {@code c} (0 red, 1 green, 2 blue) of the pixel at column x, row y, as 0..255. */
    public int sample(int x, int y, int c) {
        return pixels[(y * width + x) * 3 + c] & 0xFF;
    }
}
