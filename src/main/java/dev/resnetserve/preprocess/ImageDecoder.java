package dev.resnetserve.preprocess;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes JPEG (also CMYK/YCCK and progressive), PNG, GIF (first frame), BMP, WebP and TIFF through ImageIO with
 * the TwelveMonkeys plugins, or JPEG through libjpeg-turbo when it is given ({@link TurboJpeg}: the same pixels,
 * faster); checks the size declared in the header against the limits before decoding a pixel; applies the EXIF
 * orientation. Thread-safe: every call uses its own reader.
 */
public final class ImageDecoder {

    private final ImageLimits limits;
    private final Optional<TurboJpeg> turboJpeg;

    /** Decodes everything through ImageIO. */
    public ImageDecoder(ImageLimits limits) {
        this(limits, Optional.empty());
    }

    public ImageDecoder(ImageLimits limits, Optional<TurboJpeg> turboJpeg) {
        this.limits = limits;
        this.turboJpeg = turboJpeg;
        // The readers are found through ServiceLoader; inside a Spring Boot jar they live in nested jars, visible
        // only to the context class loader, so register them explicitly.
        ImageIO.scanForPlugins();
        ImageIO.setUseCache(false);
    }

    public RgbImage decode(byte[] encoded, AlphaMode alphaMode, int background) {
        if (encoded == null || encoded.length == 0) {
            throw new InvalidImageException("the request body is empty");
        }
        Optional<RgbImage> fast = TurboJpeg.isJpeg(encoded)
                ? turboJpeg.flatMap(turbo -> turbo.decode(encoded, limits)) : Optional.empty();
        RgbImage rgb = fast.orElseGet(() -> RgbConverter.convert(read(encoded), alphaMode, background));
        return Orientation.apply(rgb, Orientation.read(encoded));
    }

    /** Which decoder JPEG files go to. */
    public String jpegDecoder() {
        return turboJpeg.map(TurboJpeg::toString).orElse("ImageIO");
    }

    private BufferedImage read(byte[] encoded) {
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw new InvalidImageException("not an image in a supported format "
                        + "(JPEG, PNG, GIF, BMP, WebP, TIFF)");
            }
            ImageReader reader = readers.next();
            try {
                // ignoreMetadata must stay true: the JDK's PNG reader then skips every chunk before IDAT by its
                // length, where with false it inflates each zTXt and iTXt chunk whole (800 MB allocated for a
                // 256 KiB chunk: MetadataBombTest). The orientation is read apart, by Orientation.
                reader.setInput(input, true, true);
                limits.check(reader.getWidth(0), reader.getHeight(0));
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (InvalidImageException | ImageTooLargeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InvalidImageException("the image could not be decoded: " + describe(e), e);
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
