package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The one reader of raw request bodies ({@code /v1}, {@code /v2}, TorchServe): the limit holds whether or not the
 * client declared a length, and whatever size the pieces arrive in; an empty, broken, stalled or late body is a
 * client error with its code.
 */
class RequestBodyReaderTest {

    private static final RequestLimits LIMITS = new RequestLimits(200_000, 4);

    @Test
    void aBodyIsReadWholeWithOrWithoutADeclaredLength() {
        byte[] body = random(150_000);
        assertThat(RequestBodyReader.read(new ByteArrayInputStream(body), body.length, LIMITS))
                .isEqualTo(body);
        // undeclared (chunked): read in pieces, grown past the 64 KiB first buffer
        assertThat(RequestBodyReader.read(new ByteArrayInputStream(body), -1, LIMITS))
                .isEqualTo(body);
        assertThat(RequestBodyReader.read(trickle(body, 1000), -1, LIMITS)).isEqualTo(body);
        // a declared length that is wrong either way does not change what is read
        assertThat(RequestBodyReader.read(new ByteArrayInputStream(body), 10, LIMITS))
                .isEqualTo(body);
        assertThat(RequestBodyReader.read(new ByteArrayInputStream(new byte[] {7}), 5000, LIMITS))
                .containsExactly(7);
        assertThat(RequestBodyReader.read(new ByteArrayInputStream(new byte[] {7}), 0, LIMITS))
                .containsExactly(7);
    }

    @Test
    void theLimitIsInclusiveDeclaredOrNot() {
        byte[] limit = random(200_000);
        byte[] over = random(200_001);
        assertThat(RequestBodyReader.read(new ByteArrayInputStream(limit), limit.length, LIMITS))
                .isEqualTo(limit);
        assertThat(RequestBodyReader.read(new ByteArrayInputStream(limit), -1, LIMITS))
                .isEqualTo(limit);
        assertThat(RequestBodyReader.read(trickle(limit, 4096), -1, LIMITS)).isEqualTo(limit);
        RequestLimits small = new RequestLimits(10, 4);
        assertThat(RequestBodyReader.read(new ByteArrayInputStream(random(10)), 10, small))
                .hasSize(10);
        assertThat(RequestBodyReader.read(new ByteArrayInputStream(random(10)), -1, small))
                .hasSize(10);

        tooLarge(new ByteArrayInputStream(over), over.length, LIMITS);
        tooLarge(new ByteArrayInputStream(over), -1, LIMITS);
        tooLarge(trickle(over, 4096), -1, LIMITS);
        // a declared length that understates the body: the bytes count, not the claim
        tooLarge(new ByteArrayInputStream(over), 100, LIMITS);
        tooLarge(new ByteArrayInputStream(random(11)), 10, small);
        tooLarge(new ByteArrayInputStream(random(11)), -1, small);
        tooLarge(new ByteArrayInputStream(random(5000)), -1, small);
        // a declared length over the limit is refused before a byte is read
        InputStream unread = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("read a body declared too large");
            }
        };
        tooLarge(unread, 200_001, LIMITS);
    }

    @Test
    void anEmptyBrokenOrLateBodyIsAClientErrorWithItsCode() {
        refused(new ByteArrayInputStream(new byte[0]), 0, LIMITS, ErrorCode.EMPTY_BODY, "the request body is empty");
        refused(new ByteArrayInputStream(new byte[0]), -1, LIMITS, ErrorCode.EMPTY_BODY, "the request body is empty");
        refused(failing(new IOException("reset")), 10, LIMITS, ErrorCode.INCOMPLETE_BODY, "the request body ended");
        refused(
                failing(new SocketTimeoutException("slow")),
                10,
                LIMITS,
                ErrorCode.BODY_TIMEOUT,
                "the request body did not arrive within 30 s");
        // a deadline already past: the first piece read is one too late
        refused(
                new ByteArrayInputStream(random(10)),
                10,
                new RequestLimits(200_000, 4, Duration.ofSeconds(-1)),
                ErrorCode.BODY_TIMEOUT,
                "the request body did not arrive within");
    }

    private static void tooLarge(InputStream body, long declared, RequestLimits limits) {
        refused(
                body,
                declared,
                limits,
                ErrorCode.BODY_TOO_LARGE,
                "the request body is larger than the limit of " + limits.maxBodyBytes() + " bytes");
    }

    private static void refused(InputStream body, long declared, RequestLimits limits, ErrorCode code, String message) {
        assertThatThrownBy(() -> RequestBodyReader.read(body, declared, limits))
                .isInstanceOfSatisfying(
                        ServiceException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageStartingWith(message);
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    /** A body that arrives at most {@code piece} bytes a read, as a socket hands it over. */
    private static InputStream trickle(byte[] body, int piece) {
        return new ByteArrayInputStream(body) {
            @Override
            public synchronized int read(byte[] into, int offset, int length) {
                return super.read(into, offset, Math.min(length, piece));
            }
        };
    }

    private static InputStream failing(IOException failure) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                throw failure;
            }

            @Override
            public int read(byte[] into, int offset, int length) throws IOException {
                throw failure;
            }
        };
    }
}
