package dev.resnetserve.config;

import jakarta.validation.constraints.AssertTrue;
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
 * @param maxParts      parts of a multipart inference request (the image is one); more get 400
 * @param maxPixels     width x height declared by the image header
 * @param maxDimension  longest side declared by the image header
 * @param maxImagesPerRequest inputs of one Open Inference Protocol request (a batch of images or tensors)
 * @param maxConcurrentRequests inference requests on request threads at once (decoding, queued or running); more
 *                      get 503 at once. Must stay below {@code server.tomcat.threads.max}; default: that minus 16
 *                      (a quarter of a small pool), kept for health probes, metrics and model management
 * @param bodyReadTimeout how long a request body (raw or multipart) may take to arrive (408 {@code body_timeout}
 *                      after it)
 * @param maxJpegScans  scans (SOS markers) a JPEG may have, counted before decoding; more get 400. Decode time grows
 *                      with scans x pixels (see {@code ImageLimits.DEFAULT_MAX_JPEG_SCANS})
 * @param maxDecodingPixels width x height being decoded at once across all requests; a decode that does not fit
 *                      waits {@code decodingBudgetWait}, then gets 503 {@code server_busy}. At least
 *                      {@code maxPixels}. Default: {@link #defaultDecodingPixels}
 * @param decodingBudgetWait how long a decode waits for room in the decoding budget before it is refused
 */
public record LimitsProperties(
        @NotNull @DefaultValue("16MB") DataSize maxBodySize,
        @Min(1) @Max(1000) @DefaultValue("10") int maxParts,
        @Min(1) @DefaultValue("40000000") long maxPixels,
        @Min(1) @Max(1_000_000) @DefaultValue("65500") int maxDimension,
        @Min(1) @Max(1024) @DefaultValue("32") int maxImagesPerRequest,
        @Min(1) Integer maxConcurrentRequests,
        @NotNull @DefaultValue("30s") Duration bodyReadTimeout,
        @Min(1) @Max(10_000) @DefaultValue("100") int maxJpegScans,
        @Min(1) Long maxDecodingPixels,
        @NotNull @DefaultValue("250ms") Duration decodingBudgetWait) {

    /**
     * The bytes one pixel can cost while it decodes, on the worst path: a 16-bit RGBA raster (8), the RGB copy
     * made from it (3) and the orientation's turned copy (3).
     */
    static final int WORST_BYTES_PER_DECODING_PIXEL = 8 + 3 + 3;

    /**
     * A quarter of the maximum heap divided by {@link #WORST_BYTES_PER_DECODING_PIXEL} (1 GiB heap: 19 million
     * pixels; 4 GiB: 77 million), and never below {@code maxPixels}, so that one image at the limit always fits.
     * The other three quarters stay for the model's tensors, queued inputs and everything else.
     */
    static long defaultDecodingPixels(long maxHeapBytes, long maxPixels) {
        return Math.max(maxPixels, maxHeapBytes / 4 / WORST_BYTES_PER_DECODING_PIXEL);
    }

    /** The decoding budget: as configured, else {@link #defaultDecodingPixels} for this JVM's heap. */
    public long decodingPixels() {
        return maxDecodingPixels != null
                ? maxDecodingPixels
                : defaultDecodingPixels(Runtime.getRuntime().maxMemory(), maxPixels);
    }

    @AssertTrue(
            message = "max-decoding-pixels must be at least max-pixels, or one image at the limit could never "
                    + "decode")
    public boolean isDecodingBudgetHoldingTheLargestImage() {
        return maxDecodingPixels == null || maxDecodingPixels >= maxPixels;
    }

    @AssertTrue(message = "decoding-budget-wait must not be negative")
    public boolean isDecodingBudgetWaitPositive() {
        return decodingBudgetWait == null || !decodingBudgetWait.isNegative();
    }
}
