package dev.resnetserve.inference;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;

/** The model's queue has no room for the request: refused at once. */
public class QueueFullException extends ServiceException {

    public QueueFullException(int depth) {
        super(ErrorCode.QUEUE_FULL, "the model's queue is full (" + depth + " requests waiting); retry later");
    }

    @Override
    public boolean refusedAtOnce() {
        return true;
    }
}
