package dev.resnetserve.preprocess;

/**
 * What the decoder accepts, checked from the image header before any pixel is decoded.
 *
 * @param maxPixels    largest width x height
 * @param maxDimension largest width or height
 */
public record ImageLimits(long maxPixels, int maxDimension) {

    public ImageLimits {
        if (maxPixels < 1 || maxDimension < 1) {
            throw new IllegalArgumentException("image limits must be positive");
        }
    }

    /** Refuses the size an image header declares: 400 for no pixels, 413 beyond the limits. */
    void check(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new InvalidImageException("the image declares no pixels (" + width + "x" + height + ")");
        }
        if (width > maxDimension || height > maxDimension) {
            throw new ImageTooLargeException("the image is " + width + "x" + height
                    + "; the longest side allowed is " + maxDimension + " pixels");
        }
        if ((long) width * height > maxPixels) {
            throw new ImageTooLargeException("the image is " + width + "x" + height + " = " + (long) width * height
                    + " pixels; at most " + maxPixels + " are allowed");
        }
    }
}
