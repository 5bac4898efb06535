package dev.resnetserve.serving;

import dev.resnetserve.inference.InferenceResult;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.function.Supplier;

/**
 * A Micrometer Observation around each stage of a classification, children of the HTTP request's observation.
 * They exist for tracing: with a tracing bridge on the classpath every stage becomes a span (docs/operations.md,
 * "Tracing"); the stage metrics themselves come from {@link ClassificationObserver}, so these make no meters.
 * {@link StageClock} runs each stage in its observation.
 */
public final class StageObservations {

    public static final String NAME = "resnet.stage";

    private final ObservationRegistry registry;

    StageObservations(ObservationRegistry registry) {
        this.registry = registry;
    }

    <T> T observe(String model, Stage stage, Supplier<T> work) {
        return start(model, stage).observe(work);
    }

    /** Queue wait and forward pass run on a worker; this span covers both, and says how they split. */
    List<InferenceResult> observeInference(String model, Supplier<List<InferenceResult>> work) {
        Observation observation = start(model, Stage.INFERENCE).start();
        try (Observation.Scope scope = observation.openScope()) {
            List<InferenceResult> results = work.get();
            InferenceResult first = results.get(0);
            observation
                    .highCardinalityKeyValue("device", first.device())
                    .highCardinalityKeyValue("batch.size", Integer.toString(first.batchSize()))
                    .highCardinalityKeyValue("queue.ms", Double.toString(StageTimings.millis(first.queueNanos())))
                    .highCardinalityKeyValue("inputs", Integer.toString(results.size()));
            return results;
        } catch (RuntimeException e) {
            observation.error(e);
            throw e;
        } finally {
            observation.stop();
        }
    }

    private Observation start(String model, Stage stage) {
        return Observation.createNotStarted(NAME, registry)
                .contextualName("classify " + stage.label())
                .lowCardinalityKeyValue("model", model)
                .lowCardinalityKeyValue("stage", stage.label());
    }
}
