package dev.resnetserve.inference;

/** The model's queue is full: the request is refused at once rather than left to wait. */
public class QueueFullException extends RuntimeException {

    public QueueFullException(int depth) {
        super("the model's queue is full (" + depth + " requests waiting); retry later");
    }
}
