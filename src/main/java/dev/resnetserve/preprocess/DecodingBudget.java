package dev.resnetserve.preprocess;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pixels being decoded at once, across all requests. The per-image limits bound one decode, but each request
 * thread may decode one image at the pixel limit at the same time (hundreds of MB each on the worst path), so
 * concurrent large images could exhaust the heap. A decode reserves its width x height once the header is read
 * and before its raster is allocated, and gives them back when its pixels are RGB and oriented.
 *
 * <p>A decode that does not fit waits at most {@code wait} for others to finish, then is refused with
 * {@link DecodingBusyException} (503, retry): a short wait smooths bursts without tying up request threads. Counts
 * are longs (a large heap's budget exceeds a {@code Semaphore}'s int permits); waiters are not queued in order,
 * which the short wait bounds.
 */
public final class DecodingBudget {

    private final long capacity;
    private final long waitNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private long available;

    /**
     * @param capacity pixels that may be decoding at once; at least the largest image allowed, so that one always
     *                 fits
     * @param wait     how long a decode that does not fit waits for others to finish before it is refused
     */
    public DecodingBudget(long capacity, Duration wait) {
        if (capacity < 1 || wait.isNegative()) {
            throw new IllegalArgumentException(
                    "a decoding budget needs a positive capacity and a wait >= 0, got " + capacity + " and " + wait);
        }
        this.capacity = capacity;
        this.waitNanos = wait.toNanos();
        this.available = capacity;
    }

    /** A budget that never refuses, for tools that decode one image at a time (training, benchmarks, tests). */
    public static DecodingBudget unbounded() {
        return new DecodingBudget(Long.MAX_VALUE, Duration.ZERO);
    }

    public long capacity() {
        return capacity;
    }

    /** Pixels not reserved now. */
    public long available() {
        lock.lock();
        try {
            return available;
        } finally {
            lock.unlock();
        }
    }

    /** A lease holding nothing yet; close it (try-with-resources) to give back whatever it reserved. */
    public Lease lease() {
        return new Lease();
    }

    /** What one decode holds. Not thread-safe: one decode, one thread. */
    public final class Lease implements AutoCloseable {

        private long held;

        private Lease() {}

        /**
         * Makes this lease hold at least {@code pixels}, reserving only what it does not hold yet (a JPEG that
         * libjpeg-turbo declines goes on to ImageIO with the reservation it already has); waits for others to give
         * pixels back, at most the budget's wait.
         *
         * @throws DecodingBusyException when they are not given back in time
         */
        public void reserve(long pixels) {
            if (pixels <= held) {
                return;
            }
            if (pixels > capacity) {
                throw new IllegalStateException(pixels + " pixels can never fit a decoding budget of " + capacity
                        + "; it must be at least the largest image allowed");
            }
            long more = pixels - held;
            lock.lock();
            try {
                long remaining = waitNanos;
                while (available < more) {
                    if (remaining <= 0) {
                        throw new DecodingBusyException(more, capacity);
                    }
                    remaining = released.awaitNanos(remaining);
                }
                available -= more;
                held = pixels;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DecodingBusyException(more, capacity);
            } finally {
                lock.unlock();
            }
        }

        public long held() {
            return held;
        }

        @Override
        public void close() {
            if (held == 0) {
                return;
            }
            lock.lock();
            try {
                available += held;
                held = 0;
                released.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public String toString() {
        return "DecodingBudget[" + capacity + " pixels, wait " + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms]";
    }
}
