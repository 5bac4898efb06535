package dev.resnetserve.inference;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;

/** The model exists but cannot take requests now (loading, failed, or shutting down). */
public class ModelNotReadyException extends ServiceException {

    public ModelNotReadyException(String message) {
        super(ErrorCode.MODEL_NOT_READY, message);
    }
}
