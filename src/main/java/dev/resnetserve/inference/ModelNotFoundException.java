package dev.resnetserve.inference;

/** No model is served under that name. */
public class ModelNotFoundException extends RuntimeException {

    public ModelNotFoundException(String name) {
        super("no model named '" + name + "' is served");
    }
}
