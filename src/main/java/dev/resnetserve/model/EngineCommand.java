package dev.resnetserve.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import com.sun.jna.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code engine}: starts the PyTorch engine once and reports what it found. Starting it extracts libtorch into the
 * engine cache ({@code ENGINE_CACHE_DIR}), which is why the container image runs this at build time: the container
 * then starts offline, without writing there. Likewise, when {@code jna.boot.library.path} is set, it unpacks JNA's
 * native stub there, so that JNA loads it from the image instead of unpacking it into {@code /tmp} at run time
 * (which a {@code noexec} tmpfs forbids). Also the quickest check that a GPU host sees its GPUs.
 */
public final class EngineCommand {

    private final PrintStream out;

    public EngineCommand(PrintStream out) {
        this.out = out;
    }

    public int run() throws IOException {
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
        String jnaDirectory = System.getProperty("jna.boot.library.path");
        if (jnaDirectory != null) {
            out.println("jna stub: " + unpackJnaStub(Path.of(jnaDirectory)));
        }
        return 0;
    }

    private static Path unpackJnaStub(Path directory) throws IOException {
        String name = System.mapLibraryName("jnidispatch");
        // Platform, unlike Native, loads nothing when it initialises
        String resource = "/com/sun/jna/" + Platform.RESOURCE_PREFIX + "/" + name;
        try (InputStream stub = Platform.class.getResourceAsStream(resource)) {
            if (stub == null) {
                throw new IOException("JNA has no native stub for this platform (" + resource + ")");
            }
            Files.createDirectories(directory);
            Files.copy(stub, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
        return directory.resolve(name);
    }
}
