package dev.resnetserve.security;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where the server listens ({@code server.address}): on loopback only the machine's own users can reach it, so
 * without API keys the endpoints that change what is served answer only then, as TorchServe keeps its management
 * API on localhost.
 *
 * @param address the configured address; null or blank: every address (the servlet container's default)
 */
public record ListenAddress(String address) {

    /** Only loopback clients can connect. A host name counts when every address it resolves to is loopback. */
    public boolean loopbackOnly() {
        if (address == null || address.isBlank()) {
            return false;
        }
        try {
            // never empty: a name that resolves to nothing throws
            for (InetAddress each : InetAddress.getAllByName(address.strip())) {
                if (!each.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return address == null || address.isBlank() ? "every address" : address.strip();
    }
}
