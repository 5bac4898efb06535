package dev.resnetserve.config;

import dev.resnetserve.inference.ModelSettings;
import dev.resnetserve.model.ModelFormat;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One served model, {@code resnet.models.<name>.*}: where it is, and its {@link ModelSettings}, whose defaults
 * and bounds apply (the annotations here only name the key that breaks them at start).
 *
 * @param location       {@code file:}, {@code classpath:}, {@code djl://}, {@code https://}: TorchScript file, model
 *                       directory or archive
 * @param format         {@code onnx} or {@code torchscript}; default: detected from the file (suffix, else its first
 *                       bytes) or from the one model file in a directory
 * @param labels         one label per line ({@code n01440764 tench, Tinca tinca} allowed); default:
 *                       {@code synset.txt} beside the model, else {@code class_<i>}
 * @param version        shown in responses; default 1
 * @param architecture   e.g. {@code resnet50}, shown in {@code /v1/models}
 * @param preprocessing  a preset name ({@code imagenet}, {@code whole-image}) or an object overriding one; default:
 *                       what the model directory's {@code resnet-serve.properties} says, else {@code imagenet}
 * @param devices        one pool per device: {@code cpu}, {@code gpu}, {@code gpu0}, {@code gpu1} ...; default cpu
 * @param workers        predictor threads per device; default derived from the cores ({@code WorkerThreads})
 * @param queueCapacity  pending requests before new ones get 503; default 64
 * @param batch          dynamic batching
 * @param requestTimeout deadline from arrival: requests predicted to miss it are refused at once, those still
 *                       queued then are dropped (503), never run; default 30 s
 * @param cpuFallback    run on the CPU when an asked-for GPU is missing, instead of failing at start
 */
public record ModelProperties(
        @NotBlank String location,

        @Pattern(regexp = ModelFormat.SETTING_PATTERN, message = "format is onnx or torchscript")
        String format,

        String labels,
        String version,
        String architecture,
        @Valid PreprocessingProperties preprocessing,
        List<@Pattern(regexp = ModelSettings.DEVICE_PATTERN, message = "devices are cpu, gpu, gpu0, gpu1, ...") String>
                devices,
        @Min(1) @Max(ModelSettings.MAX_WORKERS) Integer workers,
        @Min(1) @Max(ModelSettings.MAX_QUEUE_CAPACITY) Integer queueCapacity,
        @Valid BatchProperties batch,
        Duration requestTimeout,
        Boolean cpuFallback) {

    /**
     * @param maxSize  most requests in one forward pass; default 8
     * @param maxDelay how long a partial batch waits for more requests; 0 = never waits; default 5 ms
     */
    public record BatchProperties(
            @Min(1) @Max(ModelSettings.MAX_BATCH_MAX_SIZE) Integer maxSize, Duration maxDelay) {}

    /** The settings these properties give, defaults filled in and bounds checked. */
    public ModelSettings settings() {
        Optional<BatchProperties> batching = Optional.ofNullable(batch);
        return ModelSettings.builder()
                .version(version)
                .format(ModelFormat.ofSetting(format).orElse(null))
                .labels(labels)
                .architecture(architecture)
                .preprocessing(preprocessing == null ? null : preprocessing.toSpec())
                .devices(devices)
                .workers(workers)
                .queueCapacity(queueCapacity)
                .batchMaxSize(batching.map(BatchProperties::maxSize).orElse(null))
                .batchMaxDelay(batching.map(BatchProperties::maxDelay).orElse(null))
                .requestTimeout(requestTimeout)
                .cpuFallback(cpuFallback)
                .build();
    }
}
