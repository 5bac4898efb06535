package dev.resnetserve.api;

import dev.resnetserve.inference.ModelDetails;
import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.preprocess.PreprocessingSpec;
import java.util.List;

/** A served model as {@code GET /v1/models} describes it; fields learnt by loading are null until then. */
public record ModelResponse(String name, String version, boolean defaultModel, boolean defaultVersion, String state,
                            String error, String source, String format, String architecture, Long parameters, long[] inputShape,
                            Integer labels, Preprocessing preprocessing, List<String> devices, int workersPerDevice,
                            int queueCapacity, int queueDepth, int batchMaxSize, double batchMaxDelayMs,
                            double requestTimeoutMs) {

    /** The preprocessing the model's inputs get. */
    public record Preprocessing(String mode, int resize, int width, int height, float[] mean, float[] std,
                                String alpha, String background) {

        static Preprocessing of(PreprocessingSpec spec) {
            return new Preprocessing(spec.mode().name().toLowerCase().replace('_', '-'), spec.resize(), spec.width(),
                    spec.height(), spec.mean(), spec.std(), spec.alpha().name().toLowerCase(),
                    String.format("#%06X", spec.background()));
        }
    }

    static ModelResponse of(ServedModel model, ModelRegistry registry) {
        ModelDetails details = model.details().orElse(null);
        return new ModelResponse(model.name(), model.spec().version(),
                model.name().equals(registry.defaultModelName()), registry.isDefaultVersion(model),
                model.state().name(),
                model.failure().orElse(null), model.spec().location(),
                details == null ? null : details.format().name(), model.spec().architecture().orElse(null),
                details == null || details.parameterCount().isEmpty() ? null : details.parameterCount().getAsLong(),
                model.inputShape(), details == null ? null : details.labels().size(),
                Preprocessing.of(model.preprocessing()), model.devices(), model.workersPerDevice(),
                model.scheduling().queueCapacity(), model.queueDepth(), model.scheduling().batchMaxSize(),
                model.scheduling().batchMaxDelay().toNanos() / 1e6, model.scheduling().requestTimeout().toMillis());
    }
}
