package dev.resnetserve.model;

/**
 * The default split of a machine's cores between a model's predictor threads (workers) and the intra-op threads
 * each runs operators on, when the configuration names neither: the one place that rule lives. It depends on the
 * cores, the engine and the model's size (its weights in bytes, known once the model's files are local).
 *
 * <ul>
 *   <li>A GPU pool: one worker with every core (the device runs one batch at a time).
 *   <li>libtorch, a large model (weights of {@link #LARGE_MODEL_BYTES} or more: ResNet-34 and up): one worker per
 *       {@link #LARGE_MODEL_THREADS} cores, each running its batches on that many. Measured on 2 cores (AMD Zen 5,
 *       docs/benchmarks.md, runs 9 and 10): ResNet-50 does 23.1 img/s with 1 worker x 2 threads against 20.4 with
 *       2 x 1, so 2 x 1 was 0.88 of the best.
 *   <li>libtorch, a smaller model, and ONNX Runtime: one worker per core, one intra-op thread each: requests are
 *       decoded and preprocessed on request threads while workers run, and whole forward passes on separate cores
 *       scale better than one pass split over several when the pass is short (the bundled demo: 402 img/s with
 *       2 x 1 against 250 with 1 x 2; ResNet-18: 52.4 against 49.6). ONNX Runtime's workers share their
 *       session's thread pool and measured alike either way.
 * </ul>
 *
 * Beyond {@link #MAX_DEFAULT_WORKERS} workers, cores go to intra-op threads rather than more predictors (each costs
 * memory: ~18 MiB on libtorch). A model of unknown size (not yet local) counts as small. The machine that measured
 * 2 x 1 best for ResNet-50 too (an AMD Zen 3, session 2: 13.0 against 10.5 img/s) would get 0.81 of its best from
 * this rule: set {@code workers} (and the engine's intra-op threads) where it matters.
 *
 * @param workers        predictor threads per device
 * @param intraOpThreads operator threads per worker
 */
public record WorkerThreads(int workers, int intraOpThreads) {

    /** At most this many workers by default; more cores go to intra-op threads. */
    public static final int MAX_DEFAULT_WORKERS = 8;

    /** Weights from this size up make a large model: ResNet-34 (87 MB), -50 (103 MB) and up; not ResNet-18 (47 MB). */
    public static final long LARGE_MODEL_BYTES = 64L << 20;

    /** Intra-op threads per worker of a large model on libtorch. */
    public static final int LARGE_MODEL_THREADS = 2;

    /** The weights' size when it is not known. */
    public static final long UNKNOWN_SIZE = -1;

    public WorkerThreads {
        if (workers < 1 || intraOpThreads < 1) {
            throw new IllegalArgumentException("workers and threads are at least 1: " + workers + "x" + intraOpThreads);
        }
    }

    /** The default for a model of unknown size and engine on {@code cores} cores, on the CPU or on a GPU. */
    public static WorkerThreads defaults(int cores, boolean gpu) {
        return defaults(cores, gpu, ModelFormat.PYTORCH, UNKNOWN_SIZE);
    }

    /**
     * The default for a model on {@code cores} cores, on the CPU or ({@code gpu}) on a GPU, run by {@code engine}
     * ({@link ModelFormat#PYTORCH} or {@link ModelFormat#ONNX_RUNTIME}), its weights {@code weightBytes} in size
     * ({@link #UNKNOWN_SIZE} if not known).
     */
    public static WorkerThreads defaults(int cores, boolean gpu, String engine, long weightBytes) {
        int usable = Math.max(1, cores);
        if (gpu) {
            return new WorkerThreads(1, usable);
        }
        boolean large = ModelFormat.PYTORCH.equals(engine) && weightBytes >= LARGE_MODEL_BYTES;
        int perWorker = large ? Math.min(usable, LARGE_MODEL_THREADS) : 1;
        int workers = Math.min(usable / perWorker, MAX_DEFAULT_WORKERS);
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
