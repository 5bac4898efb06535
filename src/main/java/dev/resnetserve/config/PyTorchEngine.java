package dev.resnetserve.config;

import ai.djl.engine.Engine;
import dev.resnetserve.inference.GpuInventory;
import dev.resnetserve.model.EngineSettings;
import dev.resnetserve.model.ModelLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the PyTorch engine with the configured {@link EngineSettings}; this bean runs before anything touches the
 * engine.
 */
final class PyTorchEngine implements GpuInventory {

    private static final Logger log = LoggerFactory.getLogger(PyTorchEngine.class);

    private final Engine engine;

    PyTorchEngine(EngineProperties settings, int cpuWorkers) {
        int threads = settings.intraOpThreads() > 0
                ? settings.intraOpThreads()
                : EngineSettings.intraOpThreadsFor(cpuWorkers);
        boolean retained = new EngineSettings(
                        settings.offline(), settings.graphOptimizer(), threads, settings.retainNativeMemory())
                .apply();
        if (settings.retainNativeMemory() && !retained) {
            log.warn("resnet.engine.retain-native-memory: the C library did not take glibc's mallopt settings; "
                    + "freed tensor memory goes back to the kernel after every batch");
        }
        this.engine = Engine.getEngine(ModelLoader.ENGINE);
        log.info(
                "PyTorch {} engine started: {} intra-op thread(s) for threads that set none (each model's workers "
                        + "set their own), {} GPU(s) visible, offline={}, freed native memory kept={}",
                engine.getVersion(),
                threads,
                engine.getGpuCount(),
                settings.offline(),
                retained);
    }

    @Override
    public int gpuCount() {
        return engine.getGpuCount();
    }
}
