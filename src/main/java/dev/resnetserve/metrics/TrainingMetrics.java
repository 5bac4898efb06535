package dev.resnetserve.metrics;

import dev.resnetserve.finetune.FineTuneJob;
import dev.resnetserve.finetune.JobObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;

/**
 * Fine-tuning meters: {@code training_jobs_total{outcome}}, {@code training_job_duration_seconds} (submission to
 * end, buckets 1 s to 1 h) and {@code training_job_progress{job}} (0 to 1, while the job runs).
 */
public final class TrainingMetrics implements JobObserver {

    private static final Duration[] BUCKETS = {
        Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(30),
        Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(15),
        Duration.ofMinutes(30), Duration.ofHours(1),
    };

    private final MeterRegistry registry;

    public TrainingMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void started(FineTuneJob job) {
        Gauge.builder("training.job.progress", job, j -> j.progress().fraction())
                .description(
                        "Share of a running fine-tuning job done: embedding is the first half, training the second")
                .tag("job", job.id())
                .register(registry);
    }

    @Override
    public void ended(FineTuneJob job, Duration took) {
        String outcome = job.state().name().toLowerCase(Locale.ROOT);
        Counter.builder("training.jobs")
                .description("Fine-tuning jobs by how they ended")
                .tag("outcome", outcome)
                .register(registry)
                .increment();
        Timer.builder("training.job.duration")
                .description("Fine-tuning jobs from submission to end")
                .tag("outcome", outcome)
                .serviceLevelObjectives(BUCKETS)
                .register(registry)
                .record(took);
        Gauge progress =
                registry.find("training.job.progress").tag("job", job.id()).gauge();
        if (progress != null) {
            registry.remove(progress);
        }
    }
}
