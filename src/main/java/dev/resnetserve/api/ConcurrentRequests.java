package dev.resnetserve.api;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Caps the inference requests on request threads at once (decoding, queued or in a forward pass). A request
 * thread waits while its images are queued and run, so without a cap long queues could hold every thread of the
 * servlet container, and health probes, metrics and model management would wait behind inference. Past the cap a
 * request gets 503 at once.
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

    /** Runs {@code request} if the cap allows one more; else throws {@link ServerBusyException}. */
    public <T> T admit(Supplier<T> request) {
        if (!permits.tryAcquire()) {
            throw new ServerBusyException(max);
        }
        try {
            return request.get();
        } finally {
            permits.release();
        }
    }
}
