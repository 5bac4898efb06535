package dev.resnetserve.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A model's bounded queue of pending requests, shared by all its workers on all devices. It refuses at once when
 * it is full, and also when the wait it predicts (from the batches ahead and {@link BatchTimes}) would carry a
 * request past its deadline: under overload the requests it accepts are answered in time, the others are told so
 * without waiting. Workers pull batches from it, so a free worker always takes the next batch (the least-loaded
 * worker wins without a dispatcher). Requests whose deadline has passed while they waited are dropped (answered
 * with a timeout) before a request would be refused for want of room or time.
 *
 * <p>Deadlines are read on a clock of their own ({@link System#nanoTime()} in service), so a test can hold time
 * still and a slow machine cannot make a request expire where the test did not mean it to.
 */
final class InferenceQueue {

    private final BlockingQueue<InferenceTask> pending;
    private final Duration timeout;
    private volatile int maxBatchSize;
    private final BatchTimes batchTimes;
    private final AtomicInteger workers = new AtomicInteger();
    private final AtomicInteger busyWorkers = new AtomicInteger();
    private final LongAdder queued = new LongAdder();
    private final LongSupplier deadlineClock;
    private volatile boolean accepting = true;

    InferenceQueue(int capacity, Duration timeout) {
        this(capacity, timeout, 1);
    }

    InferenceQueue(int capacity, Duration timeout, int maxBatchSize) {
        this(capacity, timeout, maxBatchSize, System::nanoTime);
    }

    InferenceQueue(int capacity, Duration timeout, int maxBatchSize, LongSupplier deadlineClock) {
        this.pending = new ArrayBlockingQueue<>(capacity);
        this.timeout = timeout;
        this.maxBatchSize = maxBatchSize;
        this.batchTimes = new BatchTimes(maxBatchSize);
        this.deadlineClock = deadlineClock;
    }

    /** Now, on the clock the queued requests' deadlines are set on. */
    long deadlineNow() {
        return deadlineClock.getAsLong();
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
        if (pending.remainingCapacity() < count) {
            dropExpired();
            if (pending.remainingCapacity() < count) {
                throw new QueueFullException(pending.size());
            }
        }
        checkExpectedWait(count - 1, requestTimeout);
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
        checkExpectedWait(0, requestTimeout);
        InferenceTask task = new InferenceTask(input, job, System.nanoTime(), deadlineNow() + requestTimeout.toNanos());
        if (!pending.offer(task) && (!dropExpired() || !pending.offer(task))) {
            throw new QueueFullException(pending.size());
        }
        queued.increment();
        return task.result();
    }

    /** Every request and job queued since this queue was made: a count that only grows. */
    long queuedSoFar() {
        return queued.sum();
    }

    /**
     * Answers and removes the queued requests whose deadline has passed (a worker would only drop them), so they
     * hold no room a live request could use. Whether any went.
     */
    private boolean dropExpired() {
        long now = deadlineNow();
        List<InferenceTask> expired = new ArrayList<>();
        pending.removeIf(task -> task.expiredAt(now) && expired.add(task));
        expired.forEach(task -> task.result().completeExceptionally(new DeadlineExceededException()));
        return !expired.isEmpty();
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

    /** Refuses a request that would wait behind the queued ones and {@code alsoAhead} more past its deadline. */
    private void checkExpectedWait(int alsoAhead, Duration requestTimeout) {
        int ahead = pending.size() + alsoAhead;
        long expected = expectedCompletionNanos(ahead);
        if (expected > requestTimeout.toNanos() && dropExpired()) {
            ahead = pending.size() + alsoAhead;
            expected = expectedCompletionNanos(ahead);
        }
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
