package dev.resnetserve.preprocess;

/** The bytes are not an image the decoder can read (empty, unknown format, truncated, corrupt). */
public class InvalidImageException extends RuntimeException {

    public InvalidImageException(String message) {
        super(message);
    }

    public InvalidImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
