package dev.resnetserve.inference;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.ZooModel;
import dev.resnetserve.model.EngineSettings;
import java.util.List;
import java.util.OptionalInt;

/**
 * A DJL {@link Predictor} of its own (predictors are not thread-safe) on a model shared by the device's workers.
 * Every array of a batch lives in a sub-manager closed when the batch ends, so no native memory outlives it.
 */
final class PredictorBatchRunner implements BatchRunner {

    private final ZooModel<NDList, NDList> model;
    private final Predictor<NDList, NDList> predictor;
    private final long[] inputShape;
    private final OptionalInt fixedBatchSize;
    private final int torchThreads;
    private Thread threadsSetOn; // the thread whose libtorch thread count was last set; runs are on one at a time

    PredictorBatchRunner(ZooModel<NDList, NDList> model, long[] inputShape) {
        this(model, inputShape, OptionalInt.empty(), 0);
    }

    /**
     * @param fixedBatchSize the batch size the model's input fixes, if any: smaller batches are padded with zeros
     *                       to it (the padding's outputs are dropped)
     * @param torchThreads   libtorch intra-op threads for the thread that runs a batch, set before its first one
     *                       there (warm-up, then the worker's own); 0: leave the thread's count as it is
     */
    PredictorBatchRunner(
            ZooModel<NDList, NDList> model, long[] inputShape, OptionalInt fixedBatchSize, int torchThreads) {
        this.model = model;
        this.predictor = model.newPredictor();
        this.inputShape = inputShape.clone();
        this.fixedBatchSize = fixedBatchSize;
        this.torchThreads = torchThreads;
    }

    /** Sets this thread's libtorch intra-op threads, once per thread that runs the model. */
    private void useThreadsHere() {
        Thread current = Thread.currentThread();
        if (torchThreads > 0 && current != threadsSetOn) {
            EngineSettings.useTorchThreadsOnThisThread(torchThreads);
            threadsSetOn = current;
        }
    }

    @Override
    public float[][] run(List<float[]> inputs) throws Exception {
        useThreadsHere();
        int n = inputs.size();
        int size = inputs.get(0).length;
        int rows = Math.max(n, fixedBatchSize.orElse(n));
        float[] stacked = new float[rows * size]; // rows past n stay zero: padding to a fixed batch size
        for (int i = 0; i < n; i++) {
            System.arraycopy(inputs.get(i), 0, stacked, i * size, size);
        }
        long[] shape = new long[inputShape.length + 1];
        shape[0] = rows;
        System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
        try (NDManager batch = model.getNDManager().newSubManager()) {
            NDArray x = batch.create(stacked, new Shape(shape));
            NDList output = predictor.predict(new NDList(x));
            float[] flat = output.get(0).toFloatArray();
            int classes = flat.length / rows;
            float[][] outputs = new float[n][classes];
            for (int i = 0; i < n; i++) {
                System.arraycopy(flat, i * classes, outputs[i], 0, classes);
            }
            return outputs;
        }
    }

    @Override
    public float[] runJob(ModelJob job) throws Exception {
        useThreadsHere();
        return job.run(model);
    }

    @Override
    public String device() {
        return DeviceResolver.displayName(model.getNDManager().getDevice());
    }

    @Override
    public void close() {
        predictor.close();
    }
}
