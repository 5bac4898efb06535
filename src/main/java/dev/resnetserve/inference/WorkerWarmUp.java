package dev.resnetserve.inference;

import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.ZooModel;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;

/**
 * Makes a model version's workers, each warmed up before it takes a request: at load, on every device, and when
 * scaling up. Fixed once the load has learnt the model's input (its shape and any batch size it fixes).
 */
final class WorkerWarmUp {

    private final String model;
    private final InferenceQueue queue;
    private final long[] inputShape;
    private final OptionalInt fixedBatchSize;
    private final int batchMaxSize;
    private final Duration batchMaxDelay;
    private final BatchObserver observer;
    private final int torchThreads;
    private volatile int outputClasses;

    WorkerWarmUp(
            String model,
            InferenceQueue queue,
            long[] inputShape,
            OptionalInt fixedBatchSize,
            int batchMaxSize,
            Duration batchMaxDelay,
            BatchObserver observer,
            int torchThreads) {
        this.model = model;
        this.queue = queue;
        this.inputShape = inputShape.clone();
        this.fixedBatchSize = fixedBatchSize;
        this.batchMaxSize = batchMaxSize;
        this.batchMaxDelay = batchMaxDelay;
        this.observer = observer;
        this.torchThreads = torchThreads;
    }

    /** A worker with its own predictor on {@code model}'s device, warmed up on a thread that ends with it. */
    Worker warmWorker(ZooModel<NDList, NDList> deviceModel) {
        PredictorBatchRunner runner = new PredictorBatchRunner(deviceModel, inputShape, fixedBatchSize, torchThreads);
        WarmUpThread.runToEnd("warm-up-" + model, () -> warmUp(runner));
        return new Worker(queue, runner, batchMaxSize, batchMaxDelay, model, observer);
    }

    /** The number of classes the model outputs, learnt by the first warm-up. */
    int outputClasses() {
        return outputClasses;
    }

    /**
     * Runs every batch size the batcher can form twice, so that no request pays for shape profiling; learns the
     * number of output classes, and a first time for each batch size from its second run (a shape's first run,
     * and above all a predictor's first, is many times slower: a time from it would make admission refuse
     * requests right after start).
     */
    private void warmUp(BatchRunner runner) {
        int size = (int) (inputShape[0] * inputShape[1] * inputShape[2]);
        for (int batch = 1; batch <= batchMaxSize; batch++) {
            List<float[]> inputs = Collections.nCopies(batch, new float[size]);
            try {
                runner.run(inputs);
                long start = System.nanoTime();
                outputClasses = runner.run(inputs)[0].length;
                queue.recordBatch(batch, System.nanoTime() - start);
            } catch (Exception e) {
                throw new IllegalStateException("warm-up at batch size " + batch + " failed: " + e.getMessage(), e);
            }
        }
    }
}
