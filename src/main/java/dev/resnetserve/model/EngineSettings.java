package dev.resnetserve.model;

/**
 * How the PyTorch engine runs in this process (ONNX Runtime's settings are per model: {@link OnnxSettings}): what the service configures and what the bench's bare predictor
 * copies, so both run alike. DJL reads the settings from system properties once, when the engine first loads, so
 * they must be applied before anything touches the engine. Inter-op threads are always 1: a ResNet has no parallel
 * branches to run.
 *
 * @param intraOpThreads     libtorch threads per predictor thread
 * @param retainNativeMemory keep freed tensor memory for the next batch ({@link NativeMemory})
 */
public record EngineSettings(boolean offline, boolean graphOptimizer, int intraOpThreads, boolean retainNativeMemory) {

    /** The default intra-op threads: the cores shared among the CPU workers of the model that has the most. */
    public static int intraOpThreadsFor(int cpuWorkers) {
        return WorkerThreads.intraOpThreads(Runtime.getRuntime().availableProcessors(), cpuWorkers);
    }

    /**
     * Makes libtorch run this thread's operators on {@code threads} threads. libtorch keeps the count per thread
     * (OpenMP's), and a thread that never sets it takes the process's ({@code ai.djl.pytorch.num_threads}), so each
     * model's workers set their own: a large model's worker may use two cores while a small model's uses one.
     */
    public static void useTorchThreadsOnThisThread(int threads) {
        ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
    }

    /** The libtorch intra-op threads this thread runs operators on. */
    public static int torchThreadsOnThisThread() {
        return ai.djl.pytorch.jni.JniUtils.getNumThreads();
    }

    /** Applies the settings; true when freed native memory is kept (asked for, and taken by the C library). */
    public boolean apply() {
        System.setProperty("ai.djl.offline", Boolean.toString(offline));
        System.setProperty("ai.djl.pytorch.graph_optimizer", Boolean.toString(graphOptimizer));
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(intraOpThreads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        // ONNX Runtime runs ONNX models alone: no operator of theirs is handed to libtorch (DJL's hybrid engine)
        System.setProperty("ai.djl.onnx.disable_alternative", "true");
        return retainNativeMemory && NativeMemory.retainFreedMemory();
    }
}
