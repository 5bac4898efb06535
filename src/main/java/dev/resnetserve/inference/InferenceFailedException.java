package dev.resnetserve.inference;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;

/** The engine failed while running a batch; the client learns no more than that. */
public class InferenceFailedException extends ServiceException {

    public InferenceFailedException(Throwable cause) {
        super(ErrorCode.INFERENCE_FAILED, "inference failed", cause);
    }

    @Override
    public String clientMessage() {
        return "the model failed to run; see the service log";
    }
}
