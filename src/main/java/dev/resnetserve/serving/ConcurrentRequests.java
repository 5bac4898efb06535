package dev.resnetserve.serving;

import java.util.concurrent.Semaphore;

/**
 * Caps the inference requests on request threads at once (reading their body, decoding, queued or in a forward
 * pass). A request thread waits while its images are queued and run, so without a cap long queues, or clients
 * trickling their bodies, could hold every thread of the servlet container, and health probes, metrics and model
 * management would wait behind inference. Past the cap a request gets 503 at once (the web layer's filter takes a
 * permit before the body is read).
 */
public final class ConcurrentRequests {

    private final Semaphore permits;
    private final int max;

    public ConcurrentRequests(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("at least one concurrent request, got " + max);
        }
        this.permits = new Semaphore(max);
        this.max = max;
    }

    /**
     * Takes one of the request threads lent to inference if one is free; the caller must
     * {@link #releaseRequestThread()} once it has answered. (Not the model's {@code admit}, which checks its queue.)
     */
    public boolean tryAcquireRequestThread() {
        return permits.tryAcquire();
    }

    public void releaseRequestThread() {
        permits.release();
    }

    /**
     * Inference requests holding a request thread now (reading, decoding, queued or running): the load an
     * autoscaler may follow ({@code inference_requests_in_flight}).
     */
    public int inFlight() {
        return max - permits.availablePermits();
    }

    /** The refusal past the cap. */
    public ServerBusyException busy() {
        return new ServerBusyException(max);
    }
}
