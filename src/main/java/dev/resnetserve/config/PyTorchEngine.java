package dev.resnetserve.config;

import ai.djl.engine.Engine;
import dev.resnetserve.inference.GpuInventory;
import dev.resnetserve.model.ModelLoader;
import dev.resnetserve.model.NativeMemory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the PyTorch engine with the configured settings. DJL reads them from system properties once, when the
 * engine first loads, so this bean runs before anything touches the engine.
 */
final class PyTorchEngine implements GpuInventory {

    private static final Logger log = LoggerFactory.getLogger(PyTorchEngine.class);

    private final Engine engine;

    PyTorchEngine(EngineProperties settings, int cpuWorkers) {
        System.setProperty("ai.djl.offline", Boolean.toString(settings.offline()));
        System.setProperty("ai.djl.pytorch.graph_optimizer", Boolean.toString(settings.graphOptimizer()));
        int threads = settings.intraOpThreads() > 0 ? settings.intraOpThreads()
                : Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, cpuWorkers));
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        boolean retained = settings.retainNativeMemory() && NativeMemory.retainFreedMemory();
        if (settings.retainNativeMemory() && !retained) {
            log.warn("resnet.engine.retain-native-memory: the C library did not take glibc's mallopt settings; "
                    + "freed tensor memory goes back to the kernel after every batch");
        }
        this.engine = Engine.getEngine(ModelLoader.ENGINE);
        log.info("PyTorch {} engine started: {} intra-op thread(s) per worker, {} GPU(s) visible, offline={}, "
                + "freed native memory kept={}", engine.getVersion(), threads, engine.getGpuCount(),
                settings.offline(), retained);
    }

    @Override
    public int gpuCount() {
        return engine.getGpuCount();
    }
}
