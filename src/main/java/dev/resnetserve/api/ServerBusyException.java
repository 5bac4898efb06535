package dev.resnetserve.api;

/** Every request thread the service lends to inference is taken (503, {@code server_busy}). */
public class ServerBusyException extends RuntimeException {

    public ServerBusyException(int max) {
        super("the service is handling its maximum of " + max + " inference requests; retry shortly");
    }
}
