package dev.resnetserve.preprocess;

/**
 * Counts the scans (SOS markers) of a JPEG in one linear pass over its bytes, without decoding anything, so that a
 * file with too many can be refused before a decoder sees it.
 *
 * <p>Each progressive scan makes libjpeg-turbo and ImageIO revisit every coefficient of the image, so decoding
 * costs scans x pixels: a 1.3 MB 6000x6000 file whose last scan is repeated 20,000 times decodes for over five
 * minutes, whatever the pixel limit. The walk follows libjpeg's own marker reading: marker segments are skipped by
 * their length; after a scan header, entropy-coded data runs until a 0xFF that is followed by neither 0x00 (a
 * stuffed byte) nor a restart marker 0xD0-0xD7; 0xFF fill bytes before a marker are skipped; bytes between markers
 * that are not 0xFF are skipped one by one, as libjpeg skips them (with a warning).
 */
final class JpegScans {

    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;
    private static final int TEM = 0x01;

    private JpegScans() {}

    /**
     * The scans of {@code jpeg} up to its EOI or its end, counting no further than {@code stopAfter + 1}: enough
     * to know the file has too many.
     */
    static int count(byte[] jpeg, int stopAfter) {
        int scans = 0;
        int at = 0;
        while (at < jpeg.length && scans <= stopAfter) {
            if ((jpeg[at] & 0xFF) != 0xFF) {
                at++; // garbage between segments
                continue;
            }
            while (at < jpeg.length && (jpeg[at] & 0xFF) == 0xFF) {
                at++; // 0xFF fill bytes before the marker code
            }
            if (at >= jpeg.length) {
                break;
            }
            int marker = jpeg[at++] & 0xFF;
            if (marker == EOI) {
                break;
            }
            if (marker == SOI || marker == TEM || marker >= 0xD0 && marker <= 0xD7 || marker == 0x00) {
                continue; // markers without a length (a stray 0x00 or RST outside a scan is skipped too)
            }
            if (at + 2 > jpeg.length) {
                break;
            }
            int length = (jpeg[at] & 0xFF) << 8 | jpeg[at + 1] & 0xFF;
            if (length < 2) {
                break; // libjpeg stops with an error here too
            }
            at += length;
            if (marker == SOS) {
                scans++;
                at = skipEntropyCodedData(jpeg, at);
            }
        }
        return scans;
    }

    /** The offset of the 0xFF that starts the next marker after a scan's entropy-coded data. */
    private static int skipEntropyCodedData(byte[] jpeg, int at) {
        while (at < jpeg.length) {
            if ((jpeg[at] & 0xFF) != 0xFF) {
                at++;
                continue;
            }
            int next = at + 1;
            while (next < jpeg.length && (jpeg[next] & 0xFF) == 0xFF) {
                next++;
            }
            if (next >= jpeg.length) {
                return jpeg.length;
            }
            int code = jpeg[next] & 0xFF;
            if (code == 0x00 || code >= 0xD0 && code <= 0xD7) {
                at = next + 1; // a stuffed 0xFF byte or a restart marker: still the same scan
                continue;
            }
            return at;
        }
        return at;
    }
}
