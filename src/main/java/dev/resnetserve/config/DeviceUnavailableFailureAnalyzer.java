package dev.resnetserve.config;

import dev.resnetserve.inference.DeviceUnavailableException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A missing GPU stops the start with a short explanation instead of a stack trace. */
class DeviceUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<DeviceUnavailableException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DeviceUnavailableException cause) {
        return new FailureAnalysis(
                cause.getMessage(),
                "Change resnet.models.<name>.devices, or set "
                        + "resnet.models.<name>.cpu-fallback=true to run that model on the CPU when the GPU is missing.",
                cause);
    }
}
