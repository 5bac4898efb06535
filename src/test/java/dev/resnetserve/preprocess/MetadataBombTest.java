package dev.resnetserve.preprocess;

import static dev.resnetserve.support.HostileFiles.bomb;
import static dev.resnetserve.support.HostileFiles.deflatedZeros;
import static dev.resnetserve.support.HostileFiles.withChunkBeforeIdat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.support.Fixtures;
import java.lang.management.ManagementFactory;
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

        assertThat(allocated)
                .as("bytes allocated decoding a PNG with a %s bomb", chunk)
                .isLessThan(ALLOCATION_BOUND);
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

    private static long allocatedByThisThread() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
