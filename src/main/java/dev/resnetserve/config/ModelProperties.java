package dev.resnetserve.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One served model, {@code resnet.models.<name>.*}.
 *
 * @param location       {@code file:}, {@code classpath:}, {@code djl://}, {@code https://}: TorchScript file, model
 *                       directory or archive
 * @param labels         one label per line ({@code n01440764 tench, Tinca tinca} allowed); default:
 *                       {@code synset.txt} beside the model, else {@code class_<i>}
 * @param version        shown in responses
 * @param architecture   e.g. {@code resnet50}, shown in {@code /v1/models}
 * @param preprocessing  a preset name ({@code imagenet}, {@code whole-image}) or an object overriding one; default:
 *                       what the model directory's {@code resnet-serve.properties} says, else {@code imagenet}
 * @param devices        one pool per device: {@code cpu}, {@code gpu}, {@code gpu0}, {@code gpu1} ...
 * @param workers        predictor threads per device
 * @param queueCapacity  pending requests before new ones get 503
 * @param batch          dynamic batching
 * @param requestTimeout deadline from arrival: requests predicted to miss it are refused at once, those still
 *                       queued then are dropped (503), never run
 * @param cpuFallback    run on the CPU when an asked-for GPU is missing, instead of failing at start
 */
public record ModelProperties(
        @NotBlank String location,
        String labels,
        @NotBlank @DefaultValue("1") String version,
        String architecture,
        @Valid PreprocessingProperties preprocessing,
        @NotEmpty @DefaultValue("cpu") List<@Pattern(regexp = "cpu|gpu\\d*",
                message = "devices are cpu, gpu, gpu0, gpu1, ...") String> devices,
        @Min(1) @Max(64) @DefaultValue("1") int workers,
        @Min(1) @Max(100_000) @DefaultValue("64") int queueCapacity,
        @Valid @DefaultValue BatchProperties batch,
        @NotNull @DefaultValue("30s") Duration requestTimeout,
        @DefaultValue("false") boolean cpuFallback) {

    /**
     * @param maxSize  most requests in one forward pass
     * @param maxDelay how long a partial batch waits for more requests; 0 = never waits
     */
    public record BatchProperties(
            @Min(1) @Max(256) @DefaultValue("8") int maxSize,
            @NotNull @DefaultValue("5ms") Duration maxDelay) {
    }
}
