package dev.resnetserve.preprocess;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;

/** The bytes are not an image the decoder can read (empty, unknown format, truncated, corrupt). */
public class InvalidImageException extends ServiceException {

    public InvalidImageException(String message) {
        super(ErrorCode.UNDECODABLE_IMAGE, message);
    }

    public InvalidImageException(String message, Throwable cause) {
        super(ErrorCode.UNDECODABLE_IMAGE, message, cause);
    }
}
