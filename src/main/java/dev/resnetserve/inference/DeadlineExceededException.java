package dev.resnetserve.inference;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import java.time.Duration;

/**
 * The request's deadline passed before it could run, and it was not run; or, {@link #predicted}, it would have,
 * and was refused at once.
 */
public class DeadlineExceededException extends ServiceException {

    private final boolean refusedAtOnce;

    public DeadlineExceededException() {
        this("the request waited longer than the model's request timeout and was dropped before inference", false);
    }

    private DeadlineExceededException(String message, boolean refusedAtOnce) {
        super(ErrorCode.DEADLINE_EXCEEDED, message);
        this.refusedAtOnce = refusedAtOnce;
    }

    /** Behind {@code depth} waiting requests this one would be answered in {@code expectedWait}, past its timeout. */
    public static DeadlineExceededException predicted(int depth, Duration expectedWait, Duration timeout) {
        return new DeadlineExceededException(
                "the model is overloaded: behind " + depth + " waiting request(s) this "
                        + "one would be answered in about " + expectedWait.toMillis() + " ms, past its "
                        + timeout.toMillis()
                        + " ms request timeout; retry later",
                true);
    }

    @Override
    public boolean refusedAtOnce() {
        return refusedAtOnce;
    }
}
