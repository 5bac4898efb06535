package dev.resnetserve.inference;

/** The model exists but cannot take requests now (loading, failed, or shutting down). */
public class ModelNotReadyException extends RuntimeException {

    public ModelNotReadyException(String message) {
        super(message);
    }
}
