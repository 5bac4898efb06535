package dev.resnetserve.inference;

/** A model management request that contradicts what is served (a version that exists, the default one...). */
public class ModelConflictException extends RuntimeException {

    public ModelConflictException(String message) {
        super(message);
    }
}
