package dev.resnetserve.api;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * Reads a request body into memory, refusing (413) as soon as it is known to be larger than the limit, and (408)
 * as soon as it has taken longer than the body-read timeout.
 */
public final class RequestBodyReader {

    private static final int CHUNK = 64 * 1024;

    private RequestBodyReader() {}

    public static byte[] read(InputStream body, long declaredLength, RequestLimits limits) {
        long limit = limits.maxBodyBytes();
        if (declaredLength > limit) {
            throw tooLarge(limit);
        }
        long deadline = System.nanoTime() + limits.bodyReadTimeout().toNanos();
        int capacity = (int)
                Math.min(Math.min(Integer.MAX_VALUE - 8, limit + 1), declaredLength > 0 ? declaredLength + 1 : CHUNK);
        byte[] bytes = new byte[Math.max(capacity, 1)];
        int length = 0;
        while (true) {
            if (length == bytes.length) {
                if (length > limit) {
                    throw tooLarge(limit);
                }
                bytes = Arrays.copyOf(bytes, (int) Math.min(limit + 1, (long) bytes.length * 2));
            }
            int read = readSome(body, bytes, length, Math.min(CHUNK, bytes.length - length), limits);
            if (read < 0) {
                break;
            }
            length += read;
            if (length > limit) {
                throw tooLarge(limit);
            }
            if (System.nanoTime() - deadline > 0) {
                throw timedOut(limits);
            }
        }
        if (length == 0) {
            throw new ServiceException(
                    ErrorCode.EMPTY_BODY,
                    "the request body is empty; send the image "
                            + "bytes, or multipart/form-data with a part named 'image'");
        }
        return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
    }

    /** One read; a client that stops sending or goes away is a client error, not the service's. */
    private static int readSome(InputStream body, byte[] into, int offset, int length, RequestLimits limits) {
        try {
            return body.read(into, offset, length);
        } catch (SocketTimeoutException e) {
            throw timedOut(limits);
        } catch (IOException e) {
            throw new ServiceException(
                    ErrorCode.INCOMPLETE_BODY,
                    "the request body ended before its " + "declared length, or the client went away");
        }
    }

    /** 408 {@code body_timeout}: a body, raw or multipart, past its deadline or stalled. */
    static ServiceException timedOut(RequestLimits limits) {
        return new ServiceException(ErrorCode.BODY_TIMEOUT, timeoutMessage(limits));
    }

    static String timeoutMessage(RequestLimits limits) {
        return "the request body did not arrive within "
                + limits.bodyReadTimeout().toSeconds() + " s (resnet.limits.body-read-timeout), or stalled for "
                + "longer than the connection timeout";
    }

    static ServiceException tooLarge(long limit) {
        return new ServiceException(
                ErrorCode.BODY_TOO_LARGE, "the request body is larger than the limit of " + limit + " bytes");
    }
}
