package dev.resnetserve.preprocess;

/** The image header declares more pixels, or a longer side, than the limits allow. */
public class ImageTooLargeException extends RuntimeException {

    public ImageTooLargeException(String message) {
        super(message);
    }
}
