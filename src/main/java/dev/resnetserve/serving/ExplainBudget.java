package dev.resnetserve.serving;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import java.util.concurrent.Semaphore;

/**
 * How many explanations run at once, over all models ({@code resnet.explain.max-concurrent}): one costs tens of
 * forward passes (occlusion) or a forward and a backward pass (Grad-CAM) on the model's own workers, so a few at
 * a time keep classification's latency. Past it: 503 {@code explain_busy} at once, before the image is decoded.
 */
public final class ExplainBudget {

    private final int max;
    private final Semaphore permits;

    public ExplainBudget(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max-concurrent must be 0 or more, got " + max);
        }
        this.max = max;
        this.permits = new Semaphore(max);
    }

    /** A permit, released when closed; refused (503) when every one is taken. */
    public Permit acquire() {
        if (!permits.tryAcquire()) {
            throw new ServiceException(
                    ErrorCode.EXPLAIN_BUSY,
                    max == 0
                            ? "explanations are switched off (resnet.explain.max-concurrent is 0)"
                            : "the " + max + " explanation(s) allowed at once are running; try again shortly");
        }
        return new Permit();
    }

    /** Explanations running now. */
    public int running() {
        return max - permits.availablePermits();
    }

    /** One running explanation's place in the budget. */
    public final class Permit implements AutoCloseable {

        private boolean released;

        private Permit() {}

        @Override
        public void close() {
            if (!released) {
                released = true;
                permits.release();
            }
        }
    }
}
