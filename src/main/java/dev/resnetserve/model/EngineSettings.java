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
