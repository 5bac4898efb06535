package dev.resnetserve.inference;

/** The model's queue is full: the request is refused at once rather than left to wait. */
public class QueueFullException extends RuntimeException {

    public QueueFullException(int depth) {
        super("the model's queue is full (" + depth + " requests waiting); retry later");
    }

    public QueueFullException(int depth, java.time.Duration expectedWait, java.time.Duration timeout) {
        super("the model is overloaded: behind " + depth + " waiting request(s) this one would be answered in about "
                + expectedWait.toMillis() + " ms, past its " + timeout.toMillis() + " ms request timeout; retry later");
    }
}
