package dev.resnetserve.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * What one request may carry; larger requests get 413 before their pixels are decoded.
 *
 * @param maxBodySize   raw body or multipart file
 * @param maxPixels     width x height declared by the image header
 * @param maxDimension  longest side declared by the image header
 * @param maxImagesPerRequest inputs of one Open Inference Protocol request (a batch of images or tensors)
 * @param maxConcurrentRequests inference requests on request threads at once (decoding, queued or running); more
 *                      get 503 at once. Must stay below {@code server.tomcat.threads.max}; default: that minus 16
 *                      (a quarter of a small pool), kept for health probes, metrics and model management
 * @param bodyReadTimeout how long a raw request body may take to arrive (408 {@code body_timeout} after it)
 */
public record LimitsProperties(
        @NotNull @DefaultValue("16MB") DataSize maxBodySize,
        @Min(1) @DefaultValue("40000000") long maxPixels,
        @Min(1) @Max(1_000_000) @DefaultValue("65500") int maxDimension,
        @Min(1) @Max(1024) @DefaultValue("32") int maxImagesPerRequest,
        @Min(1) Integer maxConcurrentRequests,
        @NotNull @DefaultValue("30s") Duration bodyReadTimeout) {
}
