package dev.resnetserve.preprocess;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.util.Optional;

/**
 * JPEG decoding by libjpeg-turbo's TurboJPEG API, called through JNA: the library Pillow decodes with, at the
 * same settings (accurate integer IDCT, fancy upsampling), so the pixels are Pillow's and torchvision's, at a
 * fraction of ImageIO's cost (2-7x less on the benchmark photos; progressive files gain the most).
 *
 * <p>It declines, and leaves the file to ImageIO, whenever it is not sure to match it: CMYK and YCCK files, and any
 * file that libjpeg-turbo reports an error or even a warning for (truncated or corrupt data), so answers to odd
 * files stay ImageIO's. Thread-safe: every call has its own decompressor.
 */
public final class TurboJpeg {

    private static final int PIXEL_FORMAT_RGB = 0;
    private static final int COLORSPACE_CMYK = 3;
    private static final int COLORSPACE_YCCK = 4;
    /**
     * TJFLAG_LIMITSCANS (turbojpeg.h 2.1+; ignored by older libraries): libjpeg-turbo refuses a progressive file
     * past 500 scans. ImageDecoder refuses far fewer before calling here (ImageLimits#maxJpegScans); this is
     * defence in depth, should that count and libjpeg's ever disagree.
     */
    private static final int FLAG_LIMIT_SCANS = 32768;

    /** The part of {@code turbojpeg.h} (libjpeg-turbo 2.x, also in 3.x) used here. */
    interface Api extends Library {
        Pointer tjInitDecompress();

        int tjDecompressHeader3(
                Pointer handle,
                byte[] jpeg,
                NativeLong size,
                IntByReference width,
                IntByReference height,
                IntByReference subsampling,
                IntByReference colorspace);

        int tjDecompress2(
                Pointer handle,
                byte[] jpeg,
                NativeLong size,
                byte[] rgb,
                int width,
                int pitch,
                int height,
                int pixelFormat,
                int flags);

        int tjDestroy(Pointer handle);

        String tjGetErrorStr2(Pointer handle);
    }

    private final Api api;
    private final String library;

    private TurboJpeg(Api api, String library) {
        this.api = api;
        this.library = library;
    }

    /**
     * Loads {@code library} (a name such as {@code turbojpeg}, found as {@code libturbojpeg.so.0}, or a path);
     * empty when it cannot be loaded.
     */
    public static Optional<TurboJpeg> load(String library) {
        try {
            return Optional.of(new TurboJpeg(Native.load(library, Api.class), library));
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static boolean isJpeg(byte[] encoded) {
        return encoded.length > 3
                && (encoded[0] & 0xFF) == 0xFF
                && (encoded[1] & 0xFF) == 0xD8
                && (encoded[2] & 0xFF) == 0xFF;
    }

    /** What to do once the header's size is known, before the pixels are allocated: check it, reserve it. */
    @FunctionalInterface
    interface SizeCheck {
        void admit(int width, int height);
    }

    /**
     * The image as stored (no EXIF orientation applied), or empty when ImageIO should decide. Throws
     * {@link ImageTooLargeException} from the header, before decoding.
     */
    Optional<RgbImage> decode(byte[] jpeg, ImageLimits limits) {
        return decode(jpeg, limits::check);
    }

    /**
     * As {@link #decode(byte[], ImageLimits)}, calling {@code admit} with the header's size before allocating. No
     * deadline applies here: tjDecompress2 cannot be stopped midway, and its time is bounded by the pixel limit and
     * the scan limit checked before it is called.
     */
    Optional<RgbImage> decode(byte[] jpeg, SizeCheck admit) {
        Pointer handle = api.tjInitDecompress();
        if (handle == null) {
            return Optional.empty();
        }
        try {
            NativeLong size = new NativeLong(jpeg.length);
            IntByReference width = new IntByReference();
            IntByReference height = new IntByReference();
            IntByReference colorspace = new IntByReference();
            if (api.tjDecompressHeader3(handle, jpeg, size, width, height, new IntByReference(), colorspace) != 0
                    || colorspace.getValue() == COLORSPACE_CMYK
                    || colorspace.getValue() == COLORSPACE_YCCK) {
                return Optional.empty();
            }
            int w = width.getValue();
            int h = height.getValue();
            if (w <= 0 || h <= 0) { // a header libjpeg-turbo half read: ImageIO words the refusal
                return Optional.empty();
            }
            admit.admit(w, h);
            byte[] rgb = new byte[rgbBytes(w, h)];
            if (api.tjDecompress2(handle, jpeg, size, rgb, w, 0, h, PIXEL_FORMAT_RGB, FLAG_LIMIT_SCANS) != 0) {
                String error = api.tjGetErrorStr2(handle);
                if (error != null && error.contains("scans")) {
                    // ImageIO would spend the time libjpeg-turbo just refused to: refuse, rather than hand it on
                    throw new InvalidImageException("the JPEG has too many scans: " + error);
                }
                return Optional.empty();
            }
            return Optional.of(new RgbImage(w, h, rgb));
        } finally {
            api.tjDestroy(handle);
        }
    }

    /**
     * The bytes of a {@code width x height} RGB array; refuses sizes past an int (pixel limits configured above
     * 715 million pixels) rather than letting {@code w * h * 3} wrap to a small or negative array size.
     */
    static int rgbBytes(int width, int height) {
        try {
            return Math.multiplyExact(Math.multiplyExact(width, height), 3);
        } catch (ArithmeticException e) {
            throw new ImageTooLargeException(
                    "the image is " + width + "x" + height + "; its RGB pixels would not " + "fit one array");
        }
    }

    @Override
    public String toString() {
        return "libjpeg-turbo (" + library + ")";
    }
}
