package dev.resnetserve.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.util.List;

/**
 * {@code POST /v1/models}: a model, or a new version of one, to serve. Only {@code name} and {@code location} are
 * required; the rest defaults as in configuration ({@code resnet.models.*}).
 *
 * @param makeDefault a new version of a served model becomes its default once ready (default true)
 */
public record ModelRegistration(
        @NotBlank @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}",
                message = "letters, digits, '_', '.', '-'; at most 64") String name,
        @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9_.-]{0,31}",
                message = "letters, digits, '_', '.', '-'; at most 32") String version,
        @NotBlank String location,
        String labels,
        String architecture,
        @Pattern(regexp = "imagenet|whole-image", message = "imagenet or whole-image") String preprocessing,
        List<@Pattern(regexp = "cpu|gpu\\d*", message = "devices are cpu, gpu, gpu0, gpu1, ...") String> devices,
        @Min(1) @Max(64) Integer workers,
        @Min(1) @Max(100_000) Integer queueCapacity,
        @Min(1) @Max(256) Integer batchMaxSize,
        @Min(0) @Max(10_000) Integer batchMaxDelayMs,
        @Min(1) @Max(600_000) Integer requestTimeoutMs,
        Boolean cpuFallback,
        Boolean makeDefault) {
}
