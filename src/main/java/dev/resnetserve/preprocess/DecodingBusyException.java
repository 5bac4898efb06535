package dev.resnetserve.preprocess;

/** The decoding budget stayed too full for the image's pixels during the wait (503, {@code server_busy}). */
public class DecodingBusyException extends RuntimeException {

    public DecodingBusyException(long pixels, long capacity) {
        super("the service is decoding as many pixels as it can hold (" + capacity + "); an image of " + pixels
                + " more pixels could not start; retry shortly");
    }
}
