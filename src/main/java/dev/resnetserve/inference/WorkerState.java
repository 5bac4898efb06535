package dev.resnetserve.inference;

/**
 * Where a predictor thread is in its life. It waits for a batch (IDLE) and runs one (BUSY) until it is asked to end:
 * DRAINING finishes what is queued, then ends (the service or the version stops); RETIRING ends after the batch in
 * hand and leaves the queue to the others (scaling down). ENDED once its thread has closed its predictor.
 */
enum WorkerState {
    IDLE,
    BUSY,
    DRAINING,
    RETIRING,
    ENDED;

    /** Still serving, and not asked to end. */
    boolean serving() {
        return this == IDLE || this == BUSY;
    }
}
