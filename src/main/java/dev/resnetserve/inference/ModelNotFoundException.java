package dev.resnetserve.inference;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;

/** No model of that name, or no such version of it. */
public class ModelNotFoundException extends ServiceException {

    public ModelNotFoundException(String name) {
        super(ErrorCode.MODEL_NOT_FOUND, "no model named '" + name + "' is served");
    }

    public ModelNotFoundException(String name, String version) {
        super(ErrorCode.MODEL_NOT_FOUND, "model '" + name + "' has no version '" + version + "'");
    }
}
