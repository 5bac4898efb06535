package dev.resnetserve.inference;

/** The engine failed while running a batch. */
public class InferenceFailedException extends RuntimeException {

    public InferenceFailedException(Throwable cause) {
        super("inference failed", cause);
    }
}
