package dev.resnetserve.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A model's bounded queue of pending requests, shared by all its workers on all devices. A full queue refuses at
 * once; workers pull batches from it, so a free worker always takes the next batch (the least-loaded worker wins
 * without a dispatcher).
 */
final class InferenceQueue {

    private final BlockingQueue<InferenceTask> pending;
    private final Duration timeout;
    private volatile boolean accepting = true;

    InferenceQueue(int capacity, Duration timeout) {
        this.pending = new ArrayBlockingQueue<>(capacity);
        this.timeout = timeout;
    }

    /** Room for {@code count} more right now; a hint taken before costly work, {@link #submit} decides. */
    void checkRoom(int count) {
        if (!accepting) {
            throw new ModelNotReadyException("the model is shutting down");
        }
        if (pending.remainingCapacity() < count) {
            throw new QueueFullException(pending.size());
        }
    }

    CompletableFuture<InferenceResult> submit(float[] input) {
        if (!accepting) {
            throw new ModelNotReadyException("the model is shutting down");
        }
        long now = System.nanoTime();
        InferenceTask task = new InferenceTask(input, now, now + timeout.toNanos());
        if (!pending.offer(task)) {
            throw new QueueFullException(pending.size());
        }
        return task.result();
    }

    /**
     * Blocks up to {@code idleWait} for a first request, then gathers more until {@code maxSize} or until
     * {@code maxDelay} has passed since the first was taken. Returns an empty list when nothing arrived.
     */
    List<InferenceTask> takeBatch(int maxSize, Duration maxDelay, Duration idleWait) throws InterruptedException {
        InferenceTask first = pending.poll(idleWait.toNanos(), TimeUnit.NANOSECONDS);
        if (first == null) {
            return List.of();
        }
        List<InferenceTask> batch = new ArrayList<>(maxSize);
        batch.add(first);
        pending.drainTo(batch, maxSize - 1);
        long waitUntil = System.nanoTime() + maxDelay.toNanos();
        while (batch.size() < maxSize) {
            long remaining = waitUntil - System.nanoTime();
            if (remaining <= 0) {
                break;
            }
            InferenceTask next = pending.poll(remaining, TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            batch.add(next);
            pending.drainTo(batch, maxSize - batch.size());
        }
        return batch;
    }

    int depth() {
        return pending.size();
    }

    void startAccepting() {
        accepting = true;
    }

    /** Refuses new requests; those already queued are still served. */
    void stopAccepting() {
        accepting = false;
    }

    /** Fails whatever is still queued, for a shutdown that cannot wait any longer. */
    void failRemaining(RuntimeException reason) {
        List<InferenceTask> left = new ArrayList<>();
        pending.drainTo(left);
        left.forEach(task -> task.result().completeExceptionally(reason));
    }
}
