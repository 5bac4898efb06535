package dev.resnetserve.api;

import dev.resnetserve.inference.ModelSettings;
import dev.resnetserve.model.ModelFormat;
import dev.resnetserve.preprocess.PreprocessingSpec;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;

/**
 * {@code POST /v1/models}: a model, or a new version of one, to serve. Only {@code name} and {@code location} are
 * required; the rest are {@link ModelSettings}, whose defaults and bounds apply as in configuration (the
 * annotations only name the field that breaks them in the 400's details).
 *
 * @param makeDefault a new version of a served model becomes its default once ready (default true)
 */
public record ModelRegistration(
        @NotBlank @Pattern(regexp = ModelSettings.NAME_PATTERN, message = "letters, digits, '_', '.', '-'; at most 64")
        String name,

        @Pattern(regexp = ModelSettings.VERSION_PATTERN, message = "letters, digits, '_', '.', '-'; at most 32")
        String version,

        @NotBlank String location,

        @Pattern(regexp = ModelFormat.SETTING_PATTERN, message = "onnx or torchscript")
        String format,

        String labels,
        String architecture,

        @Pattern(regexp = PreprocessingSpec.PRESETS, message = "imagenet or whole-image")
        String preprocessing,

        List<@Pattern(regexp = ModelSettings.DEVICE_PATTERN, message = "devices are cpu, gpu, gpu0, gpu1, ...") String>
                devices,
        @Min(1) @Max(ModelSettings.MAX_WORKERS) Integer workers,
        @Min(1) @Max(ModelSettings.MAX_QUEUE_CAPACITY) Integer queueCapacity,
        @Min(1) @Max(ModelSettings.MAX_BATCH_MAX_SIZE) Integer batchMaxSize,
        @Min(0) @Max(ModelSettings.MAX_BATCH_MAX_DELAY_MS) Integer batchMaxDelayMs,
        @Min(1) @Max(ModelSettings.MAX_REQUEST_TIMEOUT_MS) Integer requestTimeoutMs,
        Boolean cpuFallback,
        Boolean makeDefault) {

    /** This registration with {@code resolved} labels (the location the server will read them from). */
    ModelRegistration withLabels(String resolved) {
        return new ModelRegistration(
                name,
                version,
                location,
                format,
                resolved,
                architecture,
                preprocessing,
                devices,
                workers,
                queueCapacity,
                batchMaxSize,
                batchMaxDelayMs,
                requestTimeoutMs,
                cpuFallback,
                makeDefault);
    }

    /** The settings asked for, defaults filled in. */
    ModelSettings settings() {
        return ModelSettings.builder()
                .version(version)
                .format(ModelFormat.ofSetting(format).orElse(null))
                .labels(labels)
                .architecture(architecture)
                .preprocessing(preprocessing == null ? null : PreprocessingSpec.preset(preprocessing))
                .devices(devices)
                .workers(workers)
                .queueCapacity(queueCapacity)
                .batchMaxSize(batchMaxSize)
                .batchMaxDelay(batchMaxDelayMs == null ? null : Duration.ofMillis(batchMaxDelayMs))
                .requestTimeout(requestTimeoutMs == null ? null : Duration.ofMillis(requestTimeoutMs))
                .cpuFallback(cpuFallback)
                .build();
    }
}
