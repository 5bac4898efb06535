package dev.resnetserve.inference;

/** The request's deadline passed before it could run; it was not run. */
public class DeadlineExceededException extends RuntimeException {

    public DeadlineExceededException() {
        super("the request waited longer than the model's request timeout and was dropped before inference");
    }
}
