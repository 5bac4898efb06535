package dev.resnetserve.inference;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;

/** A model management request that contradicts what is served (a version that exists, the default one...). */
public class ModelConflictException extends ServiceException {

    public ModelConflictException(String message) {
        super(ErrorCode.MODEL_CONFLICT, message);
    }
}
