package dev.resnetserve.preprocess;

import com.drew.imaging.jpeg.JpegSegmentData;
import com.drew.imaging.jpeg.JpegSegmentReader;
import com.drew.imaging.jpeg.JpegSegmentType;
import com.drew.lang.SequentialByteArrayReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * EXIF orientation (tag 0x0112): reading it, and turning the stored pixels the way a viewer would show them.
 *
 * <p>Reading it never inflates, parses or copies anything the orientation does not live in. A general metadata
 * reader (metadata-extractor's {@code ImageMetadataReader}, as this class once used) inflates every PNG zTXt, iTXt
 * and iCCP chunk and parses XMP, ICC and IPTC blocks: a 1 MB PNG whose zTXt inflates to 1 GiB cost 3 GB of heap
 * and 9 s. So each format is walked by its own chunk or segment lengths, only the one block that carries EXIF is
 * looked at (JPEG APP1 {@code Exif\0\0}, PNG {@code eXIf}, WebP {@code EXIF}, a TIFF file's own header), and in
 * it only IFD0's entries are read: the memory used is bounded by the file, whatever it declares.
 */
final class Orientation {

    static final int NORMAL = 1;

    private static final int TAG_ORIENTATION = 0x0112;
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] EXIF_PREAMBLE = {'E', 'x', 'i', 'f', 0, 0};

    private Orientation() {}

    /** The EXIF orientation of the encoded image, or {@link #NORMAL} when it has none or it cannot be read. */
    static int read(byte[] encoded) {
        try {
            if (TurboJpeg.isJpeg(encoded)) {
                return fromJpeg(encoded);
            }
            if (startsWith(encoded, 0, PNG_SIGNATURE)) {
                return fromPng(encoded);
            }
            if (startsWith(encoded, 0, ascii("RIFF")) && startsWith(encoded, 8, ascii("WEBP"))) {
                return fromWebp(encoded);
            }
            if (isTiffHeader(encoded, 0, encoded.length)) {
                return fromTiff(encoded, 0, encoded.length);
            }
        } catch (Exception unreadable) {
            // Metadata is advisory: an image whose EXIF block is damaged is still shown as stored.
        }
        return NORMAL;
    }

    /**
     * The first APP1 {@code Exif\0\0} segment. metadata-extractor's segment reader reads marker segments by their
     * length and stops at the first scan, so no entropy-coded data is touched; each segment is at most 64 KiB.
     */
    private static int fromJpeg(byte[] jpeg) throws Exception {
        JpegSegmentData segments =
                JpegSegmentReader.readSegments(new SequentialByteArrayReader(jpeg), List.of(JpegSegmentType.APP1));
        for (byte[] segment : segments.getSegments(JpegSegmentType.APP1)) {
            if (startsWith(segment, 0, EXIF_PREAMBLE)) {
                return fromTiff(segment, EXIF_PREAMBLE.length, segment.length - EXIF_PREAMBLE.length);
            }
        }
        return NORMAL;
    }

    /**
     * The {@code eXIf} chunk, which PNG stores uncompressed. Every other chunk is skipped by its declared length
     * without being read: text (zTXt, iTXt) and ICC (iCCP) chunks are never inflated.
     */
    private static int fromPng(byte[] png) {
        long at = PNG_SIGNATURE.length;
        while (at + 8 <= png.length) {
            long length = readInt(png, (int) at, false) & 0xFFFFFFFFL;
            int type = (int) at + 4;
            long data = at + 8;
            if (data + length > png.length) {
                return NORMAL;
            }
            if (startsWith(png, type, ascii("eXIf"))) {
                return fromTiff(png, (int) data, (int) length);
            }
            if (startsWith(png, type, ascii("IEND"))) {
                return NORMAL;
            }
            at = data + length + 4; // the data, then its CRC
        }
        return NORMAL;
    }

    /** The RIFF {@code EXIF} chunk (some writers keep JPEG's {@code Exif\0\0} in front of the TIFF header). */
    private static int fromWebp(byte[] webp) {
        long at = 12;
        while (at + 8 <= webp.length) {
            int fourcc = (int) at;
            long length = readInt(webp, (int) at + 4, true) & 0xFFFFFFFFL;
            long data = at + 8;
            if (data + length > webp.length) {
                return NORMAL;
            }
            if (startsWith(webp, fourcc, ascii("EXIF"))) {
                int offset = (int) data;
                int size = (int) length;
                if (startsWith(webp, offset, EXIF_PREAMBLE)) {
                    offset += EXIF_PREAMBLE.length;
                    size -= EXIF_PREAMBLE.length;
                }
                return fromTiff(webp, offset, size);
            }
            at = data + length + (length & 1); // chunks are padded to an even size
        }
        return NORMAL;
    }

    /**
     * Tag 0x0112 of IFD0 of the TIFF structure in {@code data[offset, offset + length)}: the byte order, the
     * offset of IFD0, then its entries, each checked against the block's end. Nothing else is followed (no
     * sub-IFDs, maker notes, XMP or ICC), so reading costs at most one pass over IFD0's entries.
     */
    private static int fromTiff(byte[] data, int offset, int length) {
        if (!isTiffHeader(data, offset, length)) {
            return NORMAL;
        }
        boolean little = data[offset] == 'I';
        long ifd = readInt(data, offset + 4, little) & 0xFFFFFFFFL;
        if (ifd + 2 > length) {
            return NORMAL;
        }
        int entries = readShort(data, offset + (int) ifd, little);
        for (int i = 0; i < entries; i++) {
            long entry = ifd + 2 + 12L * i;
            if (entry + 12 > length) {
                return NORMAL;
            }
            int at = offset + (int) entry;
            if (readShort(data, at, little) != TAG_ORIENTATION) {
                continue;
            }
            int type = readShort(data, at + 2, little);
            int value = switch (type) {
                case 1 -> data[at + 8] & 0xFF; // BYTE
                case 3 -> readShort(data, at + 8, little); // SHORT, as the standard has it
                case 4 -> (int) Math.min(Integer.MAX_VALUE, readInt(data, at + 8, little) & 0xFFFFFFFFL); // LONG
                default -> NORMAL;
            };
            return value >= 1 && value <= 8 ? value : NORMAL;
        }
        return NORMAL;
    }

    private static boolean isTiffHeader(byte[] data, int offset, int length) {
        if (length < 8 || offset < 0 || offset + length > data.length) {
            return false;
        }
        return data[offset] == 'I' && data[offset + 1] == 'I' && data[offset + 2] == 42 && data[offset + 3] == 0
                || data[offset] == 'M' && data[offset + 1] == 'M' && data[offset + 2] == 0 && data[offset + 3] == 42;
    }

    private static int readShort(byte[] data, int at, boolean little) {
        int a = data[at] & 0xFF;
        int b = data[at + 1] & 0xFF;
        return little ? b << 8 | a : a << 8 | b;
    }

    private static int readInt(byte[] data, int at, boolean little) {
        int high = readShort(data, little ? at + 2 : at, little);
        int low = readShort(data, little ? at : at + 2, little);
        return high << 16 | low;
    }

    private static boolean startsWith(byte[] data, int offset, byte[] prefix) {
        if (offset < 0 || offset + prefix.length > data.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String fourcc) {
        return fourcc.getBytes(StandardCharsets.US_ASCII);
    }

    /** Applies orientation 1..8 as Pillow's {@code ImageOps.exif_transpose} does. */
    static RgbImage apply(RgbImage image, int orientation) {
        if (orientation == NORMAL) {
            return image;
        }
        int w = image.width();
        int h = image.height();
        boolean swap = orientation >= 5;
        int outW = swap ? h : w;
        int outH = swap ? w : h;
        byte[] in = image.pixels();
        byte[] out = new byte[in.length];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> {
                        sx = w - 1 - x;
                        sy = y;
                    }
                    case 3 -> {
                        sx = w - 1 - x;
                        sy = h - 1 - y;
                    }
                    case 4 -> {
                        sx = x;
                        sy = h - 1 - y;
                    }
                    case 5 -> {
                        sx = y;
                        sy = x;
                    }
                    case 6 -> {
                        sx = y;
                        sy = h - 1 - x;
                    }
                    case 7 -> {
                        sx = w - 1 - y;
                        sy = h - 1 - x;
                    }
                    case 8 -> {
                        sx = w - 1 - y;
                        sy = x;
                    }
                    default -> throw new IllegalArgumentException("EXIF orientation " + orientation);
                }
                System.arraycopy(in, (sy * w + sx) * 3, out, (y * outW + x) * 3, 3);
            }
        }
        return new RgbImage(outW, outH, out);
    }
}
