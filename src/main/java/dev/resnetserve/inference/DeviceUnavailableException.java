package dev.resnetserve.inference;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;

/** A model asks for a device this machine does not have, and does not allow falling back to the CPU. */
public class DeviceUnavailableException extends ServiceException {

    public DeviceUnavailableException(String message) {
        super(ErrorCode.DEVICE_UNAVAILABLE, message);
    }
}
