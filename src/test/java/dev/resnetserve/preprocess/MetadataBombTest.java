package dev.resnetserve.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.support.Fixtures;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PNG metadata chunks that inflate to 256 MiB of zeros from a quarter of a megabyte (zTXt, iTXt with its
 * compression flag, iCCP) in front of a valid 48x32 image: decoding must neither inflate them, in the orientation
 * reader or the pixel decoder, nor differ from the plain image. The bound is on the bytes this thread allocates
 * while decoding, measured by the JVM, so it holds however fast the machine is.
 */
class MetadataBombTest {

    static final long INFLATED = 256L << 20;
    private static final long ALLOCATION_BOUND = 64L << 20;
    private static byte[] zeros;

    private final ImageDecoder decoder = new ImageDecoder(new ImageLimits(1_000_000, 4_000));

    @BeforeAll
    static void deflateZeros() {
        zeros = deflatedZeros(INFLATED);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"zTXt", "iTXt", "iCCP"})
    void aChunkThatInflatesToHundredsOfMegabytesIsNeverInflated(String chunk) {
        byte[] png = withChunkBeforeIdat(Fixtures.bytes("formats/halves.png"), bomb(chunk, zeros));
        assertThat(png.length).isLessThan(1 << 20);
        RgbImage plain = decoder.decode(Fixtures.bytes("formats/halves.png"), AlphaMode.DROP, 0xFFFFFF);
        decoder.decode(png, AlphaMode.DROP, 0xFFFFFF); // loads classes, so that only the decode itself is measured

        long before = allocatedByThisThread();
        RgbImage image = decoder.decode(png, AlphaMode.DROP, 0xFFFFFF);
        long allocated = allocatedByThisThread() - before;

        assertThat(allocated).as("bytes allocated decoding a PNG with a %s bomb", chunk).isLessThan(ALLOCATION_BOUND);
        assertThat(image.width()).isEqualTo(48);
        assertThat(image.pixels()).isEqualTo(plain.pixels());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"zTXt", "iTXt", "iCCP"})
    void theOrientationReaderSkipsTheChunkAndStillFindsExif(String chunk) {
        byte[] png = withChunkBeforeIdat(Fixtures.bytes("formats/halves-exif-rotate90.png"), bomb(chunk, zeros));

        long before = allocatedByThisThread();
        int orientation = Orientation.read(png);
        long allocated = allocatedByThisThread() - before;

        assertThat(orientation).isEqualTo(6);
        assertThat(allocated).isLessThan(ALLOCATION_BOUND);
    }

    @Test
    void theBombsReallyInflate() {
        java.util.zip.Inflater inflater = new java.util.zip.Inflater();
        inflater.setInput(zeros);
        byte[] out = new byte[1 << 20];
        long total = 0;
        try {
            while (!inflater.finished()) {
                total += inflater.inflate(out);
            }
        } catch (java.util.zip.DataFormatException e) {
            throw new AssertionError(e);
        } finally {
            inflater.end();
        }
        assertThat(total).isEqualTo(INFLATED);
        assertThat(zeros.length).isLessThan(1 << 20);
    }

    /** The chunk's bytes (type and data) with {@code compressed} as its compressed payload. */
    static byte[] bomb(String type, byte[] compressed) {
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
    static byte[] deflatedZeros(long length) {
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

    static byte[] withChunkBeforeIdat(byte[] png, byte[] chunk) {
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
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(kind).put(data)
                .putInt((int) crc.getValue()).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
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

    private static long allocatedByThisThread() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
