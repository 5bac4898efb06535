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
            throw new ImageTooLargeException("the image is " + width + "x" + height
                    + "; the longest side allowed is " + maxDimension + " pixels");
        }
        if ((long) width * height > maxPixels) {
            throw new ImageTooLargeException("the image is " + width + "x" + height + " = " + (long) width * height
                    + " pixels; at most " + maxPixels + " are allowed");
        }
    }

    /** Refuses (400) a JPEG with more scans than {@link #maxJpegScans}, from its markers alone. */
    void checkJpegScans(byte[] jpeg) {
        int scans = JpegScans.count(jpeg, maxJpegScans);
        if (scans > maxJpegScans) {
            throw new InvalidImageException("the JPEG has more than " + maxJpegScans + " scans; decoding it would "
                    + "take too long");
        }
    }
}
