package dev.resnetserve.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * PyTorch engine settings, applied before the engine starts.
 *
 * @param offline         never download engine natives or models from DJL's hosts
 * @param intraOpThreads  libtorch threads per predictor thread; 0 = the cores divided among the CPU workers of
 *                        the model that has the most
 * @param graphOptimizer  TorchScript profiling executor: off gives short warm-up at similar steady speed
 * @param retainNativeMemory keep the native memory libtorch frees for the next batch instead of giving it back
 *                        to the kernel (glibc's {@code mallopt}): fewer page faults, faster batches, a resident
 *                        set that stays at its peak
 */
public record EngineProperties(
        @DefaultValue("true") boolean offline,
        @Min(0) @Max(256) @DefaultValue("0") int intraOpThreads,
        @DefaultValue("false") boolean graphOptimizer,
        @DefaultValue("true") boolean retainNativeMemory) {}
