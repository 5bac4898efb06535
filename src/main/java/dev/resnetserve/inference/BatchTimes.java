package dev.resnetserve.inference;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How long a batch of each size takes on a model's workers: a moving average per size (the newest batch weighs
 * a fifth), seeded by the warm-up and kept current by every batch, so it follows the load the machine is under.
 * Admission predicts a request's wait with it.
 */
final class BatchTimes {

    private static final double NEWEST_WEIGHT = 0.2;

    private final AtomicLongArray nanos; // by batch size; 0: not run yet

    BatchTimes(int maxBatchSize) {
        this.nanos = new AtomicLongArray(maxBatchSize + 1);
    }

    void record(int size, long elapsedNanos) {
        if (size < 1 || size >= nanos.length() || elapsedNanos <= 0) {
            return;
        }
        nanos.getAndUpdate(
                size, old -> old == 0 ? elapsedNanos : Math.round(old + NEWEST_WEIGHT * (elapsedNanos - old)));
    }

    /**
     * The expected time of a batch of {@code size}; a size not run yet is scaled in proportion from the nearest
     * one that has; 0 while none has.
     */
    long expectedNanos(int size) {
        int clamped = Math.max(1, Math.min(size, nanos.length() - 1));
        for (int distance = 0; distance < nanos.length(); distance++) {
            for (int known : new int[] {clamped - distance, clamped + distance}) {
                if (known >= 1 && known < nanos.length() && nanos.get(known) > 0) {
                    return nanos.get(known) * clamped / known;
                }
            }
        }
        return 0;
    }
}
