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
}
