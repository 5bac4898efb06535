package dev.resnetserve.preprocess;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;

/** The decoding budget stayed too full for the image's pixels during the wait (503, {@code server_busy}). */
public class DecodingBusyException extends ServiceException {

    public DecodingBusyException(long pixels, long capacity) {
        super(
                ErrorCode.SERVER_BUSY,
                "the service is decoding as many pixels as it can hold (" + capacity + "); an " + "image of " + pixels
                        + " more pixels could not start; retry shortly");
    }

    @Override
    public boolean refusedAtOnce() {
        return true;
    }
}
