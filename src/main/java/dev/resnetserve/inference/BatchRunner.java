package dev.resnetserve.inference;

import java.util.List;

/** Runs one forward pass over a batch of preprocessed inputs. Used by a single worker thread. */
interface BatchRunner extends AutoCloseable {

    /** The output row (logits) of each input, in order. */
    float[][] run(List<float[]> inputs) throws Exception;

    /** The device the runner is pinned to, as shown to clients. */
    String device();

    @Override
    void close();
}
