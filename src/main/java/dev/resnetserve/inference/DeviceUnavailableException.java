package dev.resnetserve.inference;

/** A model asks for a device this machine does not have, and does not allow falling back to the CPU. */
public class DeviceUnavailableException extends RuntimeException {

    public DeviceUnavailableException(String message) {
        super(message);
    }
}
