package dev.resnetserve.preprocess;

/**
 * What the decoder accepts, checked from the image header (and, for JPEG, its marker structure) before any pixel is
 * decoded.
 *
 * @param maxPixels    largest width x height
 * @param maxDimension largest width or height
 * @param maxJpegScans most scans (SOS markers) a JPEG may have: see {@link #DEFAULT_MAX_JPEG_SCANS}
 */
public record ImageLimits(long maxPixels, int maxDimension, int maxJpegScans) {

    /**
     * A progressive JPEG's decode time grows with scans x pixels. Encoders write 1 scan for baseline, one per
     * component for non-interleaved files, and about 10 for libjpeg's default progression (ImageIO's and
     * Pillow's encoders); libjpeg-turbo's own TJFLAG_LIMITSCANS bound of 500 lets a file decode ~50 times longer
     * than a normal progressive one of its size. 100 leaves a wide margin above any progression an encoder writes
     * and bounds the worst file to about 13 normal decodes of its size (measured at 40 MP: 2.2 s for 10 scans,
     * 31 s for 100 through libjpeg-turbo; docs/architecture.md).
     */
    public static final int DEFAULT_MAX_JPEG_SCANS = 100;

    /**
     * Scans x pixels a JPEG may ask to be decoded, in images at the pixel limit: 16 scans of a {@code maxPixels}
     * image (any encoder's progression), 100 of an image of a sixth of that. Decode work grows with scans x pixels,
     * so this, not the scan count alone, bounds the worst file to about 1.6 normal decodes at the limit (40 MP,
     * 10 scans: 2.2 s; 100 scans: 31 s, so 16: about 5 s, on the machine of docs/architecture.md).
     */
    static final int SCANS_AT_THE_PIXEL_LIMIT = 16;

    public ImageLimits {
        if (maxPixels < 1 || maxDimension < 1 || maxJpegScans < 1) {
            throw new IllegalArgumentException("image limits must be positive");
        }
    }

    public ImageLimits(long maxPixels, int maxDimension) {
        this(maxPixels, maxDimension, DEFAULT_MAX_JPEG_SCANS);
    }

    /** Refuses the size an image header declares: 400 for no pixels, 413 beyond the limits. */
    void check(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new InvalidImageException("the image declares no pixels (" + width + "x" + height + ")");
        }
        if (width > maxDimension || height > maxDimension) {
            throw new ImageTooLargeException("the image is " + width + "x" + height + "; the longest side allowed is "
                    + maxDimension + " pixels");
        }
        if ((long) width * height > maxPixels) {
            throw new ImageTooLargeException("the image is " + width + "x" + height + " = " + (long) width * height
                    + " pixels; at most " + maxPixels + " are allowed");
        }
    }

    /** Refuses (400) a JPEG with more scans than {@link #maxJpegScans}, from its markers alone; else its scans. */
    int checkJpegScans(byte[] jpeg) {
        int scans = JpegScans.count(jpeg, maxJpegScans);
        if (scans > maxJpegScans) {
            throw new InvalidImageException(
                    "the JPEG has more than " + maxJpegScans + " scans; decoding it would " + "take too long");
        }
        return scans;
    }

    /** Refuses (400) a JPEG whose scans x pixels exceed {@link #SCANS_AT_THE_PIXEL_LIMIT} x {@link #maxPixels}. */
    void checkJpegWork(int scans, int width, int height) {
        long work = (long) scans * width * height;
        if (work > SCANS_AT_THE_PIXEL_LIMIT * maxPixels) {
            throw new InvalidImageException("the JPEG has " + scans + " scans of " + width + "x" + height
                    + " pixels; at most " + SCANS_AT_THE_PIXEL_LIMIT * maxPixels / ((long) width * height)
                    + " scans are decoded at that size");
        }
    }
}
