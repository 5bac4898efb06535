package dev.resnetserve.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model's bounded queue of pending requests, shared by all its workers on all devices. It refuses at once when
 * it is full, and also when the wait it predicts (from the batches ahead and {@link BatchTimes}) would carry a
 * request past its deadline: under overload the requests it accepts are answered in time, the others are told so
 * without waiting. Workers pull batches from it, so a free worker always takes the next batch (the least-loaded
 * worker wins without a dispatcher).
 */
final class InferenceQueue {

    private final BlockingQueue<InferenceTask> pending;
    private final Duration timeout;
    private volatile int maxBatchSize;
    private final BatchTimes batchTimes;
    private final AtomicInteger workers = new AtomicInteger();
    private final AtomicInteger busyWorkers = new AtomicInteger();
    private volatile boolean accepting = true;

    InferenceQueue(int capacity, Duration timeout) {
        this(capacity, timeout, 1);
    }

    InferenceQueue(int capacity, Duration timeout, int maxBatchSize) {
        this.pending = new ArrayBlockingQueue<>(capacity);
        this.timeout = timeout;
        this.maxBatchSize = maxBatchSize;
        this.batchTimes = new BatchTimes(maxBatchSize);
    }

    /** Batches of at most {@code size} from now on (a model whose input fixes a smaller batch size). */
    void limitBatchSize(int size) {
        maxBatchSize = Math.max(1, Math.min(maxBatchSize, size));
    }

    /** Room for {@code count} more right now; a hint taken before costly work, {@link #submit} decides. */
    void checkRoom(int count) {
        checkRoom(count, timeout);
    }

    /** As {@link #checkRoom(int)}, for a request whose deadline is {@code requestTimeout} from now. */
    void checkRoom(int count, Duration requestTimeout) {
        if (!accepting) {
            throw new ModelNotReadyException("the model is shutting down");
        }
        int depth = pending.size();
        if (pending.remainingCapacity() < count) {
            throw new QueueFullException(depth);
        }
        checkExpectedWait(depth + count - 1, requestTimeout);
    }

    CompletableFuture<InferenceResult> submit(float[] input) {
        return submit(input, timeout);
    }

    /**
     * Queues an input whose deadline is {@code requestTimeout} from now (the model's request timeout, or less when
     * the client's own deadline is nearer).
     */
    CompletableFuture<InferenceResult> submit(float[] input, Duration requestTimeout) {
        return submit(input, null, requestTimeout);
    }

    /**
     * Queues {@code input} for a plain forward pass ({@code job} null) or for a {@link ModelJob} a worker runs
     * alone; the same admission, bounds and deadline either way.
     */
    CompletableFuture<InferenceResult> submit(float[] input, ModelJob job, Duration requestTimeout) {
        if (!accepting) {
            throw new ModelNotReadyException("the model is shutting down");
        }
        checkExpectedWait(pending.size(), requestTimeout);
        long now = System.nanoTime();
        InferenceTask task = new InferenceTask(input, job, now, now + requestTimeout.toNanos());
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

    private void checkExpectedWait(int ahead, Duration requestTimeout) {
        long expected = expectedCompletionNanos(ahead);
        if (expected > requestTimeout.toNanos()) {
            throw DeadlineExceededException.predicted(ahead, Duration.ofNanos(expected), requestTimeout);
        }
    }

    /**
     * When a request with {@code ahead} others queued before it would be answered, from now, erring late: the
     * batches running (counted whole), the full rounds of batches before its own, and its own. 0 when a
     * worker is free and nothing waits (it starts at once, so admission can never lock itself out) or while no
     * batch has run to learn from.
     */
    long expectedCompletionNanos(int ahead) {
        int workerCount = workers.get();
        int busy = busyWorkers.get();
        if (workerCount == 0 || ahead == 0 && busy < workerCount) {
            return 0;
        }
        int perRound = workerCount * maxBatchSize;
        int ownBatch = Math.min(maxBatchSize, ahead % perRound + 1);
        long running = busy >= workerCount ? batchTimes.expectedNanos(Math.min(maxBatchSize, ahead + 1)) : 0;
        return running
                + (long) (ahead / perRound) * batchTimes.expectedNanos(maxBatchSize)
                + batchTimes.expectedNanos(ownBatch);
    }

    int workerCount() {
        return workers.get();
    }

    void workerStarted() {
        workers.incrementAndGet();
    }

    void workerEnded() {
        workers.decrementAndGet();
    }

    void batchStarted() {
        busyWorkers.incrementAndGet();
    }

    void batchEnded() {
        busyWorkers.decrementAndGet();
    }

    /** How long a batch of {@code size} took, warm-up batches included (so admission predicts from the start). */
    void recordBatch(int size, long elapsedNanos) {
        batchTimes.record(size, elapsedNanos);
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
