package dev.resnetserve.inference;

/** Told of every batch a worker runs; implemented by the metrics, so that inference does not know about them. */
@FunctionalInterface
public interface BatchObserver {

    BatchObserver NONE = (model, device, size, nanos) -> {};

    void batchRun(String model, String device, int size, long nanos);
}
