package dev.resnetserve.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import java.io.PrintStream;

/**
 * {@code engine}: starts the PyTorch engine once and reports what it found. Starting it extracts libtorch into the
 * engine cache ({@code ENGINE_CACHE_DIR}), which is why the container image runs this at build time: the container
 * then starts offline, without writing there. Also the quickest check that a GPU host sees its GPUs.
 */
public final class EngineCommand {

    private final PrintStream out;

    public EngineCommand(PrintStream out) {
        this.out = out;
    }

    public int run() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        Engine engine = Engine.getEngine(ModelLoader.ENGINE);
        out.println("engine:   " + engine.getEngineName() + " " + engine.getVersion());
        out.println("cuda:     " + (CudaUtils.hasCuda() ? CudaUtils.getCudaVersionString() : "not available"));
        out.println("gpus:     " + engine.getGpuCount());
        for (int i = 0; i < engine.getGpuCount(); i++) {
            out.println("  " + Device.gpu(i) + ": " + CudaUtils.getComputeCapability(i));
        }
        out.println("default:  " + engine.defaultDevice());
        return 0;
    }
}
