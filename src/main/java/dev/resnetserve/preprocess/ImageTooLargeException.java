package dev.resnetserve.preprocess;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;

/** The image header declares more pixels, or a longer side, than the limits allow. */
public class ImageTooLargeException extends ServiceException {

    public ImageTooLargeException(String message) {
        super(ErrorCode.IMAGE_TOO_LARGE, message);
    }
}
