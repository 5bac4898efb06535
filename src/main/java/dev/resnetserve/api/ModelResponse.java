package dev.resnetserve.api;

import dev.resnetserve.inference.ModelDetails;
import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.preprocess.PreprocessingSpec;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;

/**
 * A served model as {@code GET /v1/models} describes it; fields learnt by loading are null until then
 * ({@code engine}: {@code PyTorch} or {@code OnnxRuntime}; {@code fixedBatchSize}: the batch size the model's input
 * fixes, when it fixes one, and then {@code batchMaxSize} is at most that). Its
 * {@code source} and load {@code error} can name local paths and hosts, so only a caller who may manage models sees
 * them.
 */
public record ModelResponse(
        String name,
        String version,
        boolean defaultModel,
        boolean defaultVersion,
        String state,
        String error,
        String source,
        String format,
        String engine,
        String architecture,
        Long parameters,
        long[] inputShape,
        Integer labels,
        Preprocessing preprocessing,
        List<String> devices,
        int workersPerDevice,
        int queueCapacity,
        int queueDepth,
        int batchMaxSize,
        Integer fixedBatchSize,
        double batchMaxDelayMs,
        double requestTimeoutMs) {

    /** The preprocessing the model's inputs get. */
    public record Preprocessing(
            String mode,
            int resize,
            int width,
            int height,
            float[] mean,
            float[] std,
            String alpha,
            String background) {

        static Preprocessing of(PreprocessingSpec spec) {
            return new Preprocessing(
                    spec.mode().name().toLowerCase().replace('_', '-'),
                    spec.resize(),
                    spec.width(),
                    spec.height(),
                    spec.mean(),
                    spec.std(),
                    spec.alpha().name().toLowerCase(),
                    String.format("#%06X", spec.background()));
        }
    }

    /** The role whose holders see where a model comes from and why it failed. */
    static final String MANAGEMENT_ROLE = "MANAGEMENT";

    /** As a manager of models sees it. */
    static ModelResponse of(ServedModel model, ModelRegistry registry) {
        return of(model, registry, true);
    }

    /** As the caller may see it: without the source and the load error unless they may manage models. */
    static ModelResponse of(ServedModel model, ModelRegistry registry, HttpServletRequest caller) {
        return of(model, registry, caller.isUserInRole(MANAGEMENT_ROLE));
    }

    private static ModelResponse of(ServedModel model, ModelRegistry registry, boolean manager) {
        ModelDetails details = model.details().orElse(null);
        return new ModelResponse(
                model.name(),
                model.spec().version(),
                model.name().equals(registry.defaultModelName()),
                registry.isDefaultVersion(model),
                model.state().name(),
                manager
                        ? model.failure().orElse(null)
                        : model.failure().map(f -> "failed to load").orElse(null),
                manager ? model.spec().location() : null,
                details == null ? null : details.format().name(),
                details == null ? null : details.engine(),
                model.spec().architecture().orElse(null),
                details == null || details.parameterCount().isEmpty()
                        ? null
                        : details.parameterCount().getAsLong(),
                model.inputShape(),
                details == null ? null : details.labels().size(),
                Preprocessing.of(model.preprocessing()),
                model.devices(),
                model.targetWorkersPerDevice(),
                model.scheduling().queueCapacity(),
                model.queueDepth(),
                model.batchMaxSize(),
                model.fixedBatchSize().isPresent() ? model.fixedBatchSize().getAsInt() : null,
                model.scheduling().batchMaxDelay().toNanos() / 1e6,
                model.scheduling().requestTimeout().toMillis());
    }
}
