package dev.resnetserve.metrics;

import dev.resnetserve.inference.BatchObserver;
import dev.resnetserve.serving.ClassificationObserver;
import dev.resnetserve.serving.Outcome;
import dev.resnetserve.serving.Stage;
import dev.resnetserve.serving.StageObservations;
import dev.resnetserve.serving.StageTimings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import java.time.Duration;
import java.util.List;

/**
 * The request, stage and batch meters, fed by the API and the workers. Latency histograms have fixed buckets from
 * 1 ms to 10 s ({@link #LATENCY_BUCKETS}), so percentiles are computable in PromQL with
 * {@code histogram_quantile} and aggregate across instances.
 */
public final class InferenceMetrics implements ClassificationObserver, BatchObserver {

    static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
        Duration.ofSeconds(10),
    };
    static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256};

    private final MeterRegistry registry;

    public InferenceMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void requestFinished(String model, String version, Outcome outcome, long nanos) {
        Counter.builder("inference.requests")
                .description("Classification requests by outcome")
                .tag("model", model)
                .tag("version", version)
                .tag("outcome", outcome.label())
                .register(registry)
                .increment();
        latency("inference.request.duration", "End-to-end duration of classification requests")
                .tag("model", model)
                .tag("version", version)
                .register(registry)
                .record(Duration.ofNanos(nanos));
    }

    @Override
    public void explanationFinished(String model, Outcome outcome, long nanos) {
        Counter.builder("explain.requests")
                .description("Explanation requests by outcome")
                .tag("model", model)
                .tag("outcome", outcome.label())
                .register(registry)
                .increment();
        latency("explain.request.duration", "End-to-end duration of explanation requests")
                .tag("model", model)
                .register(registry)
                .record(Duration.ofNanos(nanos));
    }

    @Override
    public void explanationStagesMeasured(String model, String version, String method, long[] nanosByStage) {
        for (Stage stage : List.of(Stage.DECODE, Stage.PREPROCESS, Stage.INFERENCE)) {
            latency("explain.stage.duration", "Duration of each stage of successful explanations")
                    .tag("model", model)
                    .tag("version", version)
                    .tag("method", method)
                    .tag("stage", stage.label())
                    .register(registry)
                    .record(Duration.ofNanos(nanosByStage[stage.ordinal()]));
        }
    }

    @Override
    public void explanationPaused(String model, long nanos) {
        Counter.builder("explain.paused")
                .description("Time explanations paused between their parts while other requests arrived")
                .baseUnit("seconds")
                .tag("model", model)
                .register(registry)
                .increment(nanos / 1e9);
    }

    @Override
    public void stagesMeasured(String model, String version, StageTimings timings) {
        for (Stage stage : Stage.parts()) {
            latency("inference.stage.duration", "Duration of each stage of successful classifications")
                    .tag("model", model)
                    .tag("version", version)
                    .tag("stage", stage.label())
                    .register(registry)
                    .record(Duration.ofNanos((long) (timings.millis(stage) * 1_000_000)));
        }
    }

    @Override
    public void batchRun(String model, String device, int size, long nanos) {
        DistributionSummary.builder("inference.batch.size")
                .description("Sizes of the batches actually run")
                .tag("model", model)
                .tag("device", device)
                .serviceLevelObjectives(BATCH_BUCKETS)
                .register(registry)
                .record(size);
    }

    /** Stage observations are for tracing: the stage metrics are these, so the observations make no meters. */
    public static MeterFilter stageObservationsMakeNoMeters() {
        return MeterFilter.deny(id -> id.getName().startsWith(StageObservations.NAME));
    }

    private static Timer.Builder latency(String name, String description) {
        return Timer.builder(name)
                .description(description)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .minimumExpectedValue(LATENCY_BUCKETS[0])
                .maximumExpectedValue(LATENCY_BUCKETS[12]);
    }
}
