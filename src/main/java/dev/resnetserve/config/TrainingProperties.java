package dev.resnetserve.config;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code resnet.training.*}: fine-tuning jobs ({@code POST /v1/models/{base}/fine-tune}), a management endpoint.
 *
 * @param maxConcurrentJobs jobs running at once; each takes a job thread and the engine's operator threads
 * @param maxQueuedJobs     jobs waiting beyond those; more get 429 {@code too_many_jobs}
 * @param threads           decode threads of one job
 * @param maxKeptJobs       ended jobs {@code GET /v1/jobs} remembers
 * @param maxDatasetSize    an upload, and all its files inflated (a zip bomb stops here)
 * @param maxImages         files in one data set
 * @param maxClasses        classes in one data set
 * @param maxCacheSize      activations one job caches (mode last-stage caches a feature map per image view)
 * @param uploadTimeout     how long an upload may take to arrive (408 {@code body_timeout} after it)
 * @param maxJobDuration    how long a job may run (from leaving the queue); a job still running then ends FAILED,
 *                          its threads released, checked between batches
 */
public record TrainingProperties(
        @Min(1) @Max(64) @DefaultValue("1") int maxConcurrentJobs,
        @Min(0) @Max(1000) @DefaultValue("2") int maxQueuedJobs,
        @Min(1) @Max(256) @DefaultValue("1") int threads,
        @Min(1) @Max(100_000) @DefaultValue("100") int maxKeptJobs,
        @NotNull @DefaultValue("64MB") DataSize maxDatasetSize,
        @Min(2) @Max(1_000_000) @DefaultValue("5000") int maxImages,
        @Min(2) @Max(100_000) @DefaultValue("100") int maxClasses,
        @NotNull @DefaultValue("512MB") DataSize maxCacheSize,
        @NotNull @DefaultValue("120s") Duration uploadTimeout,
        @NotNull @DefaultValue("10m") Duration maxJobDuration) {

    /** The most a job may be allowed: a day. */
    public static final Duration MAX_JOB_DURATION = Duration.ofDays(1);

    @AssertTrue(message = "max-job-duration must be above 0 and at most 1d")
    public boolean isMaxJobDurationBounded() {
        return maxJobDuration == null
                || (maxJobDuration.toNanos() > 0 && maxJobDuration.compareTo(MAX_JOB_DURATION) <= 0);
    }
}
