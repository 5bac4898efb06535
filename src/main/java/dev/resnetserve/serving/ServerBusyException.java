package dev.resnetserve.serving;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;

/** Every request thread the service lends to inference is taken (503, {@code server_busy}). */
public class ServerBusyException extends ServiceException {

    public ServerBusyException(int max) {
        super(
                ErrorCode.SERVER_BUSY,
                "the service is handling its maximum of " + max + " inference requests; retry shortly");
    }

    @Override
    public boolean refusedAtOnce() {
        return true;
    }
}
