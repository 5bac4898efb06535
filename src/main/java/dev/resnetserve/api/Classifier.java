package dev.resnetserve.api;

import dev.resnetserve.inference.DeadlineExceededException;
import dev.resnetserve.inference.InferenceFailedException;
import dev.resnetserve.inference.InferenceResult;
import dev.resnetserve.inference.ModelNotReadyException;
import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.inference.Prediction;
import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.inference.TopK;
import dev.resnetserve.model.Labels;
import dev.resnetserve.preprocess.ImageDecoder;
import dev.resnetserve.preprocess.PreprocessingSpec;
import dev.resnetserve.preprocess.Preprocessor;
import dev.resnetserve.preprocess.RgbImage;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * One classification, stage by stage, on the request thread: decode and preprocess here (so they overlap other
 * requests' inference), then queue for the model's workers and wait, then softmax and top-k.
 */
@Service
public class Classifier {

    static final int DEFAULT_TOP_K = 5;

    private final ModelRegistry registry;
    private final ImageDecoder decoder;
    private final Preprocessor preprocessor;
    private final ClassificationObserver observer;
    private final StageObservations stages;

    public Classifier(ModelRegistry registry, ImageDecoder decoder, Preprocessor preprocessor,
                      ClassificationObserver observer, ObservationRegistry observations) {
        this.registry = registry;
        this.decoder = decoder;
        this.preprocessor = preprocessor;
        this.observer = observer;
        this.stages = new StageObservations(observations);
    }

    public ClassificationResponse classify(String modelName, byte[] image, Integer topK) {
        long start = System.nanoTime();
        ServedModel model = modelName == null ? registry.defaultModel() : registry.require(modelName);
        Labels labels = model.labels().orElseThrow(() -> new ModelNotReadyException(
                "model '" + model.name() + "' is " + model.state().name().toLowerCase()));
        int k = checkTopK(topK, labels.size());
        PreprocessingSpec spec = model.preprocessing();

        String name = model.name();
        RgbImage rgb = stages.observe(name, "decode", () -> decoder.decode(image, spec.alpha(), spec.background()));
        long decoded = System.nanoTime();
        float[] tensor = stages.observe(name, "preprocess", () -> preprocessor.toTensor(rgb, spec));
        long preprocessed = System.nanoTime();
        InferenceResult result = stages.observeInference(name, () -> await(model.submit(tensor), model));
        long inferred = System.nanoTime();
        List<Prediction> predictions = stages.observe(name, "postprocess", () -> TopK.of(result.logits(), k, labels));
        long end = System.nanoTime();

        StageTimings timings = new StageTimings(StageTimings.millis(decoded - start),
                StageTimings.millis(preprocessed - decoded), StageTimings.millis(result.queueNanos()),
                StageTimings.millis(result.inferenceNanos()), StageTimings.millis(end - inferred),
                StageTimings.millis(end - start));
        observer.stagesMeasured(model.name(), timings);
        return new ClassificationResponse(model.name(), model.spec().version(), result.device(), predictions, timings);
    }

    private static int checkTopK(Integer requested, int classes) {
        if (requested == null) {
            return Math.min(DEFAULT_TOP_K, classes);
        }
        if (requested < 1 || requested > classes) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_top_k",
                    "topK must be between 1 and the model's " + classes + " classes, got " + requested);
        }
        return requested;
    }

    private static InferenceResult await(CompletableFuture<InferenceResult> pending, ServedModel model) {
        try {
            // The worker drops the request at its deadline; this wait only adds a margin for a batch in flight.
            long timeout = model.scheduling().requestTimeout().toMillis() * 2 + 1_000;
            return pending.get(timeout, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new InferenceFailedException(e.getCause());
        } catch (TimeoutException e) {
            pending.cancel(false);
            throw new DeadlineExceededException();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelNotReadyException("the service is shutting down");
        }
    }
}
