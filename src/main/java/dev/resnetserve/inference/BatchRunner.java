package dev.resnetserve.inference;

import java.util.List;

/** Runs one forward pass over a batch of preprocessed inputs. Used by a single worker thread. */
interface BatchRunner extends AutoCloseable {

    /** The output row (logits) of each input, in order. */
    float[][] run(List<float[]> inputs) throws Exception;

    /** Runs {@code job} with the runner's model on this thread: its output row. */
    default float[] runJob(ModelJob job) throws Exception {
        throw new UnsupportedOperationException("this runner runs forward passes only");
    }

    /** The device the runner is pinned to, as shown to clients. */
    String device();

    @Override
    void close();
}
