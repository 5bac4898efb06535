package dev.resnetserve.inference;

import java.time.Duration;

/** The model cannot take the request now (queue full, or it would be answered past its deadline): refused at once. */
public class QueueFullException extends RuntimeException {

    public QueueFullException(int depth) {
        super("the model's queue is full (" + depth + " requests waiting); retry later");
    }

    public QueueFullException(int depth, Duration expectedWait, Duration timeout) {
        super("the model is overloaded: behind " + depth + " waiting request(s) this one would be answered in about "
                + expectedWait.toMillis() + " ms, past its " + timeout.toMillis() + " ms request timeout; retry later");
    }
}
