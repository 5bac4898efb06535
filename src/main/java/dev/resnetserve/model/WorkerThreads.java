package dev.resnetserve.model;

/**
 * The default split of a machine's cores between a model's predictor threads (workers) and the intra-op threads
 * each runs operators on, when the configuration names neither: the one place that rule lives.
 *
 * <p>On the CPU, one worker per core with one intra-op thread each: requests are decoded and preprocessed on
 * request threads while workers run, and whole forward passes on separate cores scale better than one pass split
 * over several cores (docs/benchmarks.md: 2 workers x 1 thread was the best on 2 cores for ResNet-18 and ResNet-50
 * on libtorch; 1 x 2 gave 10.5 img/s against 13.0 for ResNet-50). It holds for a model with a fixed batch size of
 * 1 all the more, since batching cannot use the cores for it. Beyond {@link #MAX_DEFAULT_WORKERS} cores, workers
 * get several threads each rather than more predictors (each costs memory: ~18 MiB on libtorch). The engine
 * decides where the threads are set: libtorch's count is one for the process (the cores over the CPU workers of
 * the busiest model), ONNX Runtime's is per model session. A GPU pool gets one worker: the device runs one batch
 * at a time. For the ResNet family no dependence on the model's size was measured (ResNet-18 and ResNet-50 chose
 * alike), so the rule takes none.
 *
 * @param workers        predictor threads per device
 * @param intraOpThreads operator threads per worker
 */
public record WorkerThreads(int workers, int intraOpThreads) {

    /** At most this many workers by default; more cores go to intra-op threads. */
    public static final int MAX_DEFAULT_WORKERS = 8;

    public WorkerThreads {
        if (workers < 1 || intraOpThreads < 1) {
            throw new IllegalArgumentException("workers and threads are at least 1: " + workers + "x" + intraOpThreads);
        }
    }

    /** The default for a model on {@code cores} cores, on the CPU or ({@code gpu}) on a GPU. */
    public static WorkerThreads defaults(int cores, boolean gpu) {
        int usable = Math.max(1, cores);
        if (gpu) {
            return new WorkerThreads(1, usable);
        }
        int workers = Math.min(usable, MAX_DEFAULT_WORKERS);
        return new WorkerThreads(workers, intraOpThreads(usable, workers));
    }

    /** The intra-op threads for {@code workers} busy CPU workers: the cores shared among them, at least 1. */
    public static int intraOpThreads(int cores, int workers) {
        return Math.max(1, cores / Math.max(1, workers));
    }

    @Override
    public String toString() {
        return workers + " worker(s) x " + intraOpThreads + " intra-op thread(s)";
    }
}
