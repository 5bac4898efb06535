package dev.resnetserve.support;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Hostile files made from real ones: PNG chunks that inflate enormously, JPEGs with their last scan repeated. */
public final class HostileFiles {

    private HostileFiles() {}

    /** The chunk's bytes (type and data) with {@code compressed} as its compressed payload. */
    public static byte[] bomb(String type, byte[] compressed) {
        String header = switch (type) {
            case "zTXt" -> "Comment\0\0"; // keyword, compression method 0
            case "iTXt" -> "Comment\0\1\0en\0\0"; // keyword, compressed, method 0, language, translated keyword
            case "iCCP" -> "icc\0\0"; // profile name, compression method 0
            default -> throw new IllegalArgumentException(type);
        };
        byte[] head = header.getBytes(StandardCharsets.ISO_8859_1);
        return chunk(type, concat(head, compressed));
    }

    /** {@code length} zero bytes deflated as a zlib stream, fed 1 MiB at a time. */
    public static byte[] deflatedZeros(long length) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        byte[] input = new byte[1 << 20];
        byte[] buffer = new byte[1 << 16];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long fed = 0; fed < length; fed += input.length) {
            deflater.setInput(input, 0, (int) Math.min(input.length, length - fed));
            while (!deflater.needsInput()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    public static byte[] withChunkBeforeIdat(byte[] png, byte[] chunk) {
        int idat = indexOf(png, "IDAT".getBytes(StandardCharsets.US_ASCII)) - 4;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, idat);
        out.writeBytes(chunk);
        out.write(png, idat, png.length - idat);
        return out.toByteArray();
    }

    private static byte[] chunk(String type, byte[] data) {
        byte[] kind = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(kind);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length)
                .putInt(data.length)
                .put(kind)
                .put(data)
                .putInt((int) crc.getValue())
                .array();
    }

    private static int indexOf(byte[] data, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= data.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (data[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("not found");
    }

    /** The file with its last scan (SOS header and entropy-coded data) repeated {@code times} more before EOI. */
    public static byte[] repeatLastScan(byte[] jpeg, int times) {
        int lastScan = lastIndexOf(jpeg, (byte) 0xFF, (byte) 0xDA);
        int eoi = jpeg.length - 2;
        if ((jpeg[eoi] & 0xFF) != 0xFF || (jpeg[eoi + 1] & 0xFF) != 0xD9) {
            throw new IllegalArgumentException("the JPEG does not end with EOI");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, eoi);
        for (int i = 0; i < times; i++) {
            out.write(jpeg, lastScan, eoi - lastScan);
        }
        out.write(jpeg, eoi, 2);
        return out.toByteArray();
    }

    /**
     * The file with {@code times} more copies of its last scan's header, each followed by two bytes of entropy-coded
     * data: a few bytes a scan, as the review's 1.3 MB file with 20,000 scans had.
     */
    public static byte[] repeatLastScanHeader(byte[] jpeg, int times) {
        int lastScan = lastIndexOf(jpeg, (byte) 0xFF, (byte) 0xDA);
        int headerLength = 2 + (((jpeg[lastScan + 2] & 0xFF) << 8) | (jpeg[lastScan + 3] & 0xFF));
        int eoi = jpeg.length - 2;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, eoi);
        for (int i = 0; i < times; i++) {
            out.write(jpeg, lastScan, headerLength);
            out.write(0);
            out.write(0);
        }
        out.write(jpeg, eoi, 2);
        return out.toByteArray();
    }

    /** The file with its SOF header declaring {@code width x height}. */
    public static byte[] declaring(byte[] jpeg, int width, int height) {
        byte[] copy = jpeg.clone();
        int sof = Math.max(lastIndexOf(copy, (byte) 0xFF, (byte) 0xC2), lastIndexOf(copy, (byte) 0xFF, (byte) 0xC0));
        ByteBuffer.wrap(copy, sof + 5, 4).putShort((short) height).putShort((short) width);
        return copy;
    }

    private static int lastIndexOf(byte[] data, byte a, byte b) {
        for (int i = data.length - 2; i >= 0; i--) {
            if (data[i] == a && data[i + 1] == b) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
