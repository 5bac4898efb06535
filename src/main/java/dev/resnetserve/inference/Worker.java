package dev.resnetserve.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A predictor thread: takes batches from the model's queue, drops requests whose deadline has passed, runs the
 * rest in one forward pass and answers each request.
 */
final class Worker implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final Duration IDLE_WAIT = Duration.ofMillis(200);

    private final InferenceQueue queue;
    private final BatchRunner runner;
    private final int maxBatchSize;
    private final Duration maxDelay;
    private final String model;
    private final BatchObserver observer;
    private final AtomicReference<WorkerState> state = new AtomicReference<>(WorkerState.IDLE);

    Worker(InferenceQueue queue, BatchRunner runner, int maxBatchSize, Duration maxDelay) {
        this(queue, runner, maxBatchSize, maxDelay, "", BatchObserver.NONE);
    }

    Worker(
            InferenceQueue queue,
            BatchRunner runner,
            int maxBatchSize,
            Duration maxDelay,
            String model,
            BatchObserver observer) {
        this.queue = queue;
        this.runner = runner;
        this.maxBatchSize = maxBatchSize;
        this.maxDelay = maxDelay;
        this.model = model;
        this.observer = observer;
    }

    @Override
    public void run() {
        queue.workerStarted();
        try {
            while (takesMore()) {
                List<InferenceTask> batch = queue.takeBatch(maxBatchSize, maxDelay, IDLE_WAIT);
                if (!batch.isEmpty()) {
                    boolean marked = state.compareAndSet(WorkerState.IDLE, WorkerState.BUSY);
                    queue.batchStarted();
                    try {
                        runBatch(batch);
                    } finally {
                        if (marked) {
                            state.compareAndSet(WorkerState.BUSY, WorkerState.IDLE); // not if asked to end meanwhile
                        }
                        queue.batchEnded();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            queue.workerEnded();
            runner.close();
            state.set(WorkerState.ENDED);
        }
    }

    /** Whether to take another batch: serving, or draining while requests are queued. */
    private boolean takesMore() {
        WorkerState now = state.get();
        return now.serving() || now == WorkerState.DRAINING && queue.depth() > 0;
    }

    /** Lets the worker finish what is queued, then end. */
    void finishQueuedThenEnd() {
        askToEnd(WorkerState.DRAINING);
    }

    /** Ends the worker after its current batch, leaving the queue to the others (scaling down). */
    void endAfterCurrentBatch() {
        askToEnd(WorkerState.RETIRING);
    }

    /** Moves a serving (or draining, for RETIRING) worker to {@code ending}; an ended one stays ended. */
    private void askToEnd(WorkerState ending) {
        state.updateAndGet(
                now -> now.serving() || now == WorkerState.DRAINING && ending == WorkerState.RETIRING ? ending : now);
    }

    /** Running a batch right now (for the busy-workers gauge; a worker asked to end is not counted). */
    boolean busy() {
        return state.get() == WorkerState.BUSY;
    }

    WorkerState state() {
        return state.get();
    }

    String device() {
        return runner.device();
    }

    private void runBatch(List<InferenceTask> batch) {
        long start = System.nanoTime();
        long deadlineNow = queue.deadlineNow();
        List<InferenceTask> live = new ArrayList<>(batch.size());
        List<InferenceTask> jobs = new ArrayList<>();
        for (InferenceTask task : batch) {
            if (task.expiredAt(deadlineNow)) {
                task.result().completeExceptionally(new DeadlineExceededException());
            } else {
                (task.job() == null ? live : jobs).add(task);
            }
        }
        if (!live.isEmpty()) {
            runForwardPass(live, start);
        }
        for (InferenceTask job : jobs) {
            runJob(job);
        }
    }

    /**
     * A job runs alone, after the batch it was taken with (its deadline checked again: the batch took time). Its
     * time is not a batch's, so admission's batch times do not learn from it.
     */
    private void runJob(InferenceTask task) {
        long start = System.nanoTime();
        if (task.expiredAt(queue.deadlineNow())) {
            task.result().completeExceptionally(new DeadlineExceededException());
            return;
        }
        try {
            float[] output = runner.runJob(task.job());
            task.result()
                    .complete(new InferenceResult(
                            output, runner.device(), 1, start - task.submittedAtNanos(), System.nanoTime() - start));
        } catch (Exception | OutOfMemoryError e) {
            log.error("a model job failed on {}", runner.device(), e);
            task.result().completeExceptionally(new InferenceFailedException(e));
        }
    }

    private void runForwardPass(List<InferenceTask> live, long start) {
        try {
            float[][] outputs =
                    runner.run(live.stream().map(InferenceTask::input).toList());
            long inferenceNanos = System.nanoTime() - start;
            observer.batchRun(model, runner.device(), live.size(), inferenceNanos);
            queue.recordBatch(live.size(), inferenceNanos);
            for (int i = 0; i < live.size(); i++) {
                InferenceTask task = live.get(i);
                task.result()
                        .complete(new InferenceResult(
                                outputs[i],
                                runner.device(),
                                live.size(),
                                start - task.submittedAtNanos(),
                                inferenceNanos));
            }
        } catch (Exception | OutOfMemoryError e) {
            log.error("inference failed for a batch of {} on {}", live.size(), runner.device(), e);
            InferenceFailedException failure = new InferenceFailedException(e);
            live.forEach(task -> task.result().completeExceptionally(failure));
        }
    }
}
