package dev.resnetserve.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Ports for servers a test starts itself (gRPC, Prometheus, the jar as a process). */
public final class Ports {

    private Ports() {}

    /** A port nothing listens on at the moment of asking. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
