package dev.resnetserve.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The marker walk of {@link JpegScans} on hand-made byte sequences: each case is one rule of libjpeg's marker
 * reading, built so that breaking the rule changes the count. {@code SCAN} is a scan header of length 2 (nothing
 * but its length) and one byte of entropy-coded data.
 */
class JpegScansTest {

    private static final int[] SOI = {0xFF, 0xD8};
    private static final int[] EOI = {0xFF, 0xD9};
    private static final int[] SCAN = {0xFF, 0xDA, 0x00, 0x02, 0x11};

    @Test
    void countsNoFurtherThanOnePastTheLimit() {
        int[][] parts = new int[12][];
        parts[0] = SOI;
        for (int i = 1; i <= 10; i++) {
            parts[i] = SCAN;
        }
        parts[11] = EOI;
        byte[] tenScans = jpeg(parts);

        assertThat(JpegScans.count(tenScans, 1000)).isEqualTo(10);
        assertThat(JpegScans.count(tenScans, 10)).isEqualTo(10);
        assertThat(JpegScans.count(tenScans, 9)).isEqualTo(10);
        assertThat(JpegScans.count(tenScans, 3)).isEqualTo(4);
        assertThat(JpegScans.count(tenScans, 0)).isEqualTo(1);
    }

    @Test
    void skipsGarbageAndFillBytesBetweenMarkers() {
        assertThat(JpegScans.count(jpeg(new int[] {0x00, 0x12}, SOI, new int[] {0x34}, SCAN, EOI), 100))
                .isEqualTo(1);
        assertThat(JpegScans.count(jpeg(SOI, new int[] {0xFF, 0xFF}, SCAN, EOI), 100))
                .isEqualTo(1);
        assertThat(JpegScans.count(jpeg(SOI, new int[] {0xFF, 0xFF}), 100)).isZero();
    }

    @Test
    void stopsAtTheEndOfImage() {
        assertThat(JpegScans.count(jpeg(SOI, SCAN, EOI, SCAN, SCAN), 100)).isEqualTo(1);
        assertThat(JpegScans.count(jpeg(SOI, EOI, SCAN), 100)).isZero();
    }

    @Test
    void markersWithoutALengthAreSkippedAlone() {
        for (int marker : new int[] {0xD8, 0x01, 0xD0, 0xD7, 0x00}) {
            assertThat(JpegScans.count(jpeg(SOI, new int[] {0xFF, marker}, SCAN, EOI), 100))
                    .as("marker 0x%02X", marker)
                    .isEqualTo(1);
        }
    }

    @Test
    void markersWithALengthAreSkippedByIt() {
        // the segment's six bytes hold a scan header that must not count
        for (int marker : new int[] {0xCF, 0xDB, 0x02, 0xE0}) {
            int[] segment = {0xFF, marker, 0x00, 0x06, 0xFF, 0xDA, 0x00, 0x02, 0x11, 0x00};
            assertThat(JpegScans.count(jpeg(SOI, segment, EOI), 100))
                    .as("marker 0x%02X", marker)
                    .isZero();
        }
    }

    @Test
    void aTruncatedOrImpossibleLengthEndsTheWalk() {
        assertThat(JpegScans.count(jpeg(SOI, new int[] {0xFF, 0xDA}), 100)).isZero();
        assertThat(JpegScans.count(jpeg(SOI, new int[] {0xFF, 0xDA, 0x00}), 100))
                .isZero();
        assertThat(JpegScans.count(jpeg(SOI, new int[] {0xFF, 0xDA, 0x00, 0x02}), 100))
                .as("a scan header that ends the file still counts")
                .isEqualTo(1);
        assertThat(JpegScans.count(jpeg(SOI, new int[] {0xFF, 0xE0, 0x00, 0x01}, SCAN, EOI), 100))
                .as("length 1: libjpeg stops")
                .isZero();
        assertThat(JpegScans.count(jpeg(SOI, new int[] {0xFF, 0xE0, 0x00, 0x00}, SCAN, EOI), 100))
                .isZero();
        assertThat(JpegScans.count(jpeg(SOI, new int[] {0xFF, 0xE0, 0x00, 0x02}, SCAN, EOI), 100))
                .as("length 2: an empty segment")
                .isEqualTo(1);
    }

    @Test
    void entropyCodedDataRunsToTheNextRealMarker() {
        int[] data = {0x11, 0xFF, 0x00, 0x22, 0xFF, 0xD0, 0x33, 0xFF, 0xD7, 0x44, 0xFF, 0xFF, 0xD3, 0x55};
        // inside the data: a stuffed byte, restart markers D0 and D7, fill bytes before a restart; none ends the scan
        int[] scanLookalike = {0xFF, 0xDA, 0x00, 0x02};
        assertThat(JpegScans.count(jpeg(SOI, new int[] {0xFF, 0xDA, 0x00, 0x02}, data, SCAN, EOI), 100))
                .isEqualTo(2);
        // a marker with a length ends the scan and is skipped by it: the scan header inside it does not count
        int[] segment = {0xFF, 0xCF, 0x00, 0x06, 0xFF, 0xDA, 0x00, 0x02, 0x11, 0x00};
        assertThat(JpegScans.count(jpeg(SOI, SCAN, segment, EOI), 100)).isEqualTo(1);
        int[] dqt = {0xFF, 0xDB, 0x00, 0x06, 0xFF, 0xDA, 0x00, 0x02, 0x11, 0x00};
        assertThat(JpegScans.count(jpeg(SOI, SCAN, dqt, EOI), 100)).isEqualTo(1);
        // the end of image right after the data
        assertThat(JpegScans.count(jpeg(SOI, SCAN, EOI, scanLookalike), 100)).isEqualTo(1);
    }

    @Test
    void entropyCodedDataMayRunToTheEndOfTheFile() {
        assertThat(JpegScans.count(jpeg(SOI, SCAN, new int[] {0x22, 0x33}), 100))
                .isEqualTo(1);
        assertThat(JpegScans.count(jpeg(SOI, SCAN, new int[] {0xFF, 0xFF}), 100))
                .isEqualTo(1);
        assertThat(JpegScans.count(jpeg(SOI, SCAN, new int[] {0xFF}), 100)).isEqualTo(1);
    }

    private static byte[] jpeg(int[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int[] part : parts) {
            for (int b : part) {
                out.write(b);
            }
        }
        return out.toByteArray();
    }
}
