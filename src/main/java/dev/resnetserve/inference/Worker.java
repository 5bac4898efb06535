package dev.resnetserve.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
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
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean retired = new AtomicBoolean();
    private final AtomicBoolean busy = new AtomicBoolean();

    Worker(InferenceQueue queue, BatchRunner runner, int maxBatchSize, Duration maxDelay) {
        this(queue, runner, maxBatchSize, maxDelay, "", BatchObserver.NONE);
    }

    Worker(InferenceQueue queue, BatchRunner runner, int maxBatchSize, Duration maxDelay, String model,
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
            while (!retired.get() && (running.get() || queue.depth() > 0)) {
                List<InferenceTask> batch = queue.takeBatch(maxBatchSize, maxDelay, IDLE_WAIT);
                if (!batch.isEmpty()) {
                    busy.set(true);
                    queue.batchStarted();
                    try {
                        runBatch(batch);
                    } finally {
                        busy.set(false);
                        queue.batchEnded();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            queue.workerEnded();
            runner.close();
        }
    }

    /** Lets the worker finish what is queued, then end. */
    void finishQueuedThenEnd() {
        running.set(false);
    }

    /** Ends the worker after its current batch, leaving the queue to the others (scaling down). */
    void endAfterCurrentBatch() {
        retired.set(true);
    }

    boolean busy() {
        return busy.get();
    }

    String device() {
        return runner.device();
    }

    private void runBatch(List<InferenceTask> batch) {
        long start = System.nanoTime();
        List<InferenceTask> live = new ArrayList<>(batch.size());
        for (InferenceTask task : batch) {
            if (task.expiredAt(start)) {
                task.result().completeExceptionally(new DeadlineExceededException());
            } else {
                live.add(task);
            }
        }
        if (live.isEmpty()) {
            return;
        }
        try {
            float[][] outputs = runner.run(live.stream().map(InferenceTask::input).toList());
            long inferenceNanos = System.nanoTime() - start;
            observer.batchRun(model, runner.device(), live.size(), inferenceNanos);
            queue.recordBatch(live.size(), inferenceNanos);
            for (int i = 0; i < live.size(); i++) {
                InferenceTask task = live.get(i);
                task.result().complete(new InferenceResult(outputs[i], runner.device(), live.size(),
                        start - task.submittedAtNanos(), inferenceNanos));
            }
        } catch (Exception | OutOfMemoryError e) {
            log.error("inference failed for a batch of {} on {}", live.size(), runner.device(), e);
            InferenceFailedException failure = new InferenceFailedException(e);
            live.forEach(task -> task.result().completeExceptionally(failure));
        }
    }
}
