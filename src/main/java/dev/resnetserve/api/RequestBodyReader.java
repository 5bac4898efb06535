package dev.resnetserve.api;

import java.io.IOException;
import java.io.InputStream;
import org.springframework.http.HttpStatus;

/** Reads a request body into memory, refusing (413) as soon as it is known to be larger than the limit. */
public final class RequestBodyReader {

    private RequestBodyReader() {
    }

    public static byte[] read(InputStream body, long declaredLength, long limit) throws IOException {
        if (declaredLength > limit) {
            throw tooLarge(limit);
        }
        byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        if (bytes.length > limit) {
            throw tooLarge(limit);
        }
        if (bytes.length == 0) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "empty_body", "the request body is empty; send the image "
                    + "bytes, or multipart/form-data with a part named 'image'");
        }
        return bytes;
    }

    static ApiException tooLarge(long limit) {
        return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "body_too_large",
                "the request body is larger than the limit of " + limit + " bytes");
    }
}
