package dev.resnetserve.inference;

/** No model of that name, or no such version of it. */
public class ModelNotFoundException extends RuntimeException {

    public ModelNotFoundException(String name) {
        super("no model named '" + name + "' is served");
    }

    public ModelNotFoundException(String name, String version) {
        super("model '" + name + "' has no version '" + version + "'");
    }
}
