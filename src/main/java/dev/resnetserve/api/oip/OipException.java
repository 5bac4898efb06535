package dev.resnetserve.api.oip;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;

/** A request body the Open Inference Protocol endpoints cannot read (a 400); answered as {@code {"error": message}}. */
class OipException extends ServiceException {

    OipException(ErrorCode code, String message) {
        super(code, message);
    }
}
