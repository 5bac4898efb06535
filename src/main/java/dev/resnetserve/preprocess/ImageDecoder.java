package dev.resnetserve.preprocess;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Optional;
import java.util.OptionalLong;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadProgressListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes JPEG (also CMYK/YCCK and progressive), PNG, GIF (first frame), BMP, WebP and TIFF through ImageIO with
 * the TwelveMonkeys plugins, or JPEG through libjpeg-turbo when it is given ({@link TurboJpeg}: the same pixels,
 * faster); applies the EXIF orientation. Thread-safe: every call uses its own reader.
 *
 * <p>Hostile input is refused before it costs much: a JPEG's scans are counted before any decoder sees it; the
 * size the header declares is checked against the limits, then reserved from the {@link DecodingBudget} shared by
 * all requests, before a pixel is allocated; an ImageIO decode stops at the request's deadline.
 */
public final class ImageDecoder {

    private final ImageLimits limits;
    private final Optional<TurboJpeg> turboJpeg;
    private final DecodingBudget budget;

    /** Decodes everything through ImageIO, with no budget shared with other decoders (tools, tests). */
    public ImageDecoder(ImageLimits limits) {
        this(limits, Optional.empty());
    }

    /** With no budget shared with other decoders (tools, tests). */
    public ImageDecoder(ImageLimits limits, Optional<TurboJpeg> turboJpeg) {
        this(limits, turboJpeg, DecodingBudget.unbounded());
    }

    public ImageDecoder(ImageLimits limits, Optional<TurboJpeg> turboJpeg, DecodingBudget budget) {
        if (budget.capacity() < limits.maxPixels()) {
            throw new IllegalArgumentException("the decoding budget (" + budget.capacity() + " pixels) must hold "
                    + "at least one image at the pixel limit (" + limits.maxPixels() + ")");
        }
        this.limits = limits;
        this.turboJpeg = turboJpeg;
        this.budget = budget;
        // The readers are found through ServiceLoader; inside a Spring Boot jar they live in nested jars, visible
        // only to the context class loader, so register them explicitly.
        ImageIO.scanForPlugins();
        ImageIO.setUseCache(false);
    }

    public RgbImage decode(byte[] encoded, AlphaMode alphaMode, int background) {
        return decode(encoded, alphaMode, background, OptionalLong.empty());
    }

    /**
     * @param deadlineNanos a {@link System#nanoTime()} value past which an ImageIO decode is stopped with
     *                      {@link DecodeDeadlineExceededException}; empty for none
     */
    public RgbImage decode(byte[] encoded, AlphaMode alphaMode, int background, OptionalLong deadlineNanos) {
        if (encoded == null || encoded.length == 0) {
            throw new InvalidImageException("the request body is empty");
        }
        boolean jpeg = TurboJpeg.isJpeg(encoded);
        int scans = jpeg ? limits.checkJpegScans(encoded) : 0; // before either JPEG decoder has seen the file
        try (DecodingBudget.Lease lease = budget.lease()) {
            TurboJpeg.SizeCheck admit = (width, height) -> {
                limits.check(width, height);
                if (jpeg) {
                    limits.checkJpegWork(scans, width, height);
                }
                lease.reserve((long) width * height);
            };
            Optional<RgbImage> fast =
                    jpeg ? turboJpeg.flatMap(turbo -> turbo.decode(encoded, admit)) : Optional.empty();
            RgbImage rgb = fast.orElseGet(
                    () -> RgbConverter.convert(read(encoded, admit, deadlineNanos), alphaMode, background));
            // The orientation's copy is the last allocation the reservation covers.
            return Orientation.apply(rgb, Orientation.read(encoded));
        }
    }

    /** Which decoder JPEG files go to. */
    public String jpegDecoder() {
        return turboJpeg.map(TurboJpeg::toString).orElse("ImageIO");
    }

    public DecodingBudget budget() {
        return budget;
    }

    private BufferedImage read(byte[] encoded, TurboJpeg.SizeCheck admit, OptionalLong deadlineNanos) {
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw new InvalidImageException(
                        "not an image in a supported format " + "(JPEG, PNG, GIF, BMP, WebP, TIFF)");
            }
            ImageReader reader = readers.next();
            try {
                // ignoreMetadata must stay true: the JDK's PNG reader then skips every chunk before IDAT by its
                // length, where with false it inflates each zTXt and iTXt chunk whole (800 MB allocated for a
                // 256 KiB chunk: MetadataBombTest). The orientation is read apart, by Orientation.
                reader.setInput(input, true, true);
                admit.admit(reader.getWidth(0), reader.getHeight(0));
                AbortAtDeadline deadline = null;
                if (deadlineNanos.isPresent()) {
                    deadline = new AbortAtDeadline(deadlineNanos.getAsLong());
                    reader.addIIOReadProgressListener(deadline);
                }
                BufferedImage image;
                try {
                    image = reader.read(0);
                } catch (IOException | RuntimeException e) {
                    if (deadline != null && deadline.aborted) { // an aborted reader may fail rather than return
                        throw new DecodeDeadlineExceededException();
                    }
                    throw e;
                }
                if (deadline != null && deadline.aborted) {
                    throw new DecodeDeadlineExceededException();
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (InvalidImageException
                | ImageTooLargeException
                | DecodingBusyException
                | DecodeDeadlineExceededException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InvalidImageException("the image could not be decoded: " + describe(e), e);
        }
    }

    /**
     * Asks the reader to stop once the deadline has passed. ImageIO's readers report progress as rows are decoded
     * and check for an abort between them, so a large or slow image stops within a few rows of the deadline. (A
     * progressive JPEG is entropy-decoded whole before its first row is reported; the scan limit bounds that part.)
     */
    private static final class AbortAtDeadline implements IIOReadProgressListener {

        private final long deadlineNanos;
        private boolean aborted;

        AbortAtDeadline(long deadlineNanos) {
            this.deadlineNanos = deadlineNanos;
        }

        private void check(ImageReader source) {
            if (!aborted && System.nanoTime() - deadlineNanos >= 0) {
                aborted = true;
                source.abort();
            }
        }

        @Override
        public void imageStarted(ImageReader source, int imageIndex) {
            check(source);
        }

        @Override
        public void imageProgress(ImageReader source, float percentageDone) {
            check(source);
        }

        @Override
        public void imageComplete(ImageReader source) {}

        @Override
        public void sequenceStarted(ImageReader source, int minIndex) {}

        @Override
        public void sequenceComplete(ImageReader source) {}

        @Override
        public void thumbnailStarted(ImageReader source, int imageIndex, int thumbnailIndex) {}

        @Override
        public void thumbnailProgress(ImageReader source, float percentageDone) {}

        @Override
        public void thumbnailComplete(ImageReader source) {}

        @Override
        public void readAborted(ImageReader source) {
            aborted = true;
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
