package dev.resnetserve.inference;

import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.ZooModel;

/**
 * Work other than a plain forward pass that a worker runs for one queued request, on its own thread and with its
 * device's model, between batches (an explanation's backward pass). Its output is the request's result row.
 */
@FunctionalInterface
interface ModelJob {

    /** Runs on the worker's thread; every array it makes must be closed before it returns. */
    float[] run(ZooModel<NDList, NDList> model) throws Exception;
}
