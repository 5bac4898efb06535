package dev.resnetserve.config;

import dev.resnetserve.model.OnnxSettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Engine settings: the PyTorch engine's are applied once before it starts; ONNX Runtime's to each ONNX model's
 * session as it loads.
 *
 * @param offline         never download engine natives or models from DJL's hosts
 * @param intraOpThreads  libtorch threads per predictor thread; 0 = the cores divided among the CPU workers of
 *                        the model that has the most
 * @param graphOptimizer  TorchScript profiling executor: off gives short warm-up at similar steady speed
 * @param retainNativeMemory keep the native memory libtorch frees for the next batch instead of giving it back
 *                        to the kernel (glibc's {@code mallopt}): fewer page faults, faster batches, a resident
 *                        set that stays at its peak
 * @param onnx            ONNX Runtime, for {@code .onnx} models
 */
public record EngineProperties(
        @DefaultValue("true") boolean offline,
        @Min(0) @Max(256) @DefaultValue("0") int intraOpThreads,
        @DefaultValue("false") boolean graphOptimizer,
        @DefaultValue("true") boolean retainNativeMemory,
        @Valid @DefaultValue OnnxProperties onnx) {

    /**
     * {@code resnet.engine.onnx.*}: one ONNX Runtime session per model copy (per device), shared by its workers.
     *
     * @param intraOpThreads the session's operator threads, the calling worker included; 0 = the cores divided
     *                       among the model's CPU workers (1 with the default one worker per core)
     * @param interOpThreads threads for independent branches of the graph; 1 runs them in order (a ResNet has no
     *                       branches worth running in parallel)
     * @param arena          ONNX Runtime's CPU arena allocator: keeps freed tensor memory for the next run
     * @param optimization   graph optimisation level: none, basic, extended or all (ONNX Runtime's default)
     */
    public record OnnxProperties(
            @Min(0) @Max(256) @DefaultValue("0") int intraOpThreads,
            @Min(1) @Max(256) @DefaultValue("1") int interOpThreads,
            @DefaultValue("true") boolean arena,

            @Pattern(regexp = OnnxSettings.OPTIMIZATION_PATTERN, message = "none, basic, extended or all")
            @DefaultValue("all")
            String optimization) {

        OnnxSettings settings() {
            return new OnnxSettings(intraOpThreads, interOpThreads, arena, optimization);
        }
    }
}
