package dev.resnetserve.serving;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import dev.resnetserve.inference.DeadlineExceededException;
import dev.resnetserve.inference.InferenceFailedException;
import dev.resnetserve.inference.InferenceResult;
import dev.resnetserve.inference.ModelNotReadyException;
import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.inference.Prediction;
import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.inference.TopK;
import dev.resnetserve.model.Labels;
import dev.resnetserve.model.Softmax;
import dev.resnetserve.preprocess.ImageDecoder;
import dev.resnetserve.preprocess.PreprocessingSpec;
import dev.resnetserve.preprocess.Preprocessor;
import dev.resnetserve.preprocess.RgbImage;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.stereotype.Service;

/**
 * One classification, stage by stage, on the request thread: decode and preprocess here (so they overlap other
 * requests' inference), then queue for the model's workers and wait, then softmax and top-k. The application
 * service every protocol adapter calls; the request thread it runs on was taken from {@link ConcurrentRequests}
 * before its body was read.
 */
@Service
public class Classifier {

    static final int DEFAULT_TOP_K = 5;

    private final ModelRegistry registry;
    private final ImageDecoder decoder;
    private final Preprocessor preprocessor;
    private final ClassificationObserver observer;
    private final StageObservations stages;

    public Classifier(
            ModelRegistry registry,
            ImageDecoder decoder,
            Preprocessor preprocessor,
            ClassificationObserver observer,
            ObservationRegistry observations) {
        this.registry = registry;
        this.decoder = decoder;
        this.preprocessor = preprocessor;
        this.observer = observer;
        this.stages = new StageObservations(observations);
    }

    public ClassificationResponse classify(String modelName, byte[] image, Integer topK) {
        return classify(modelName, null, image, topK);
    }

    /**
     * With a given version of the model; {@code null} for the version its traffic split routes to (the default
     * version without one).
     */
    public ClassificationResponse classify(String modelName, String version, byte[] image, Integer topK) {
        return classifyWith(route(modelName, version), image, topK);
    }

    /** With the version already chosen ({@link #route(String, String)}). */
    public ClassificationResponse classifyWith(ServedModel model, byte[] image, Integer topK) {
        int k = checkTopK(topK, labels(model).size());
        Classified classified = classifyImages(model, List.of(image)).get(0);
        List<Prediction> predictions = TopK.ofProbabilities(classified.probabilities(), k, labels(model));
        return new ClassificationResponse(
                model.name(), model.spec().version(), classified.result().device(), predictions, classified.timings());
    }

    /**
     * The version a request names, as {@link ModelRegistry#require(String, String)} finds it (404 when it is not
     * served): the model's default version for a {@code null} version, the service's default model's for no name
     * and no version.
     */
    public ServedModel require(String modelName, String version) {
        if (modelName == null && version == null) {
            return registry.defaultModel();
        }
        return registry.require(modelName, version);
    }

    /**
     * The version that serves an inference request ({@link ModelRegistry#route(String, String)}): the one it names,
     * else one its model's traffic split draws (the default version without a split); for no name and no version,
     * the service's default model's. 404 when not served. Metadata and readiness use {@link #require}.
     */
    public ServedModel route(String modelName, String version) {
        return registry.route(modelName == null && version == null ? registry.defaultModelName() : modelName, version);
    }

    /** The model's class names; a model that has not loaded has none yet, and answers 503. */
    public Labels labels(ServedModel model) {
        return model.labels()
                .orElseThrow(() -> new ModelNotReadyException("model '" + model.name() + "' is "
                        + model.state().name().toLowerCase()));
    }

    /**
     * Images of one request: each decoded and preprocessed on this thread, then all queued together so that the
     * batcher can run them in one forward pass, then each softmaxed.
     */
    public List<Classified> classifyImages(ServedModel model, List<byte[]> images) {
        return decodeAndClassify(model, images, null);
    }

    /**
     * As {@link #classifyImages(ServedModel, List)} for a client that brings its own deadline ({@code remaining}
     * from now, e.g. a gRPC deadline; {@code null}: none): the request's deadline is the nearer of it and the
     * model's request timeout, for admission, decoding, the queue and the wait.
     */
    public List<Classified> classifyImages(ServedModel model, List<byte[]> images, Duration remaining) {
        return decodeAndClassify(model, images, remaining);
    }

    private List<Classified> decodeAndClassify(ServedModel model, List<byte[]> images, Duration remaining) {
        StageClock clock =
                new StageClock(stages, observer, model.name(), model.spec().version(), images.size());
        Duration timeout = model.requestTimeout(remaining);
        model.admit(images.size(), timeout); // room in the model's queue, checked before any decoding
        PreprocessingSpec spec = model.preprocessing();
        List<float[]> tensors = new ArrayList<>(images.size());
        // An ImageIO decode still running at the request's deadline is stopped: its answer would come too late.
        OptionalLong deadline = OptionalLong.of(clock.start() + timeout.toNanos());
        for (int i = 0; i < images.size(); i++) {
            byte[] image = images.get(i);
            RgbImage rgb =
                    clock.time(i, Stage.DECODE, () -> decoder.decode(image, spec.alpha(), spec.background(), deadline));
            tensors.add(clock.time(i, Stage.PREPROCESS, () -> preprocessor.toTensor(rgb, spec)));
        }
        // A client's own deadline counts from its call: the time decoding took comes off it. (Without one, each
        // image's queue deadline is the model's request timeout from its submission, as it always was.)
        Duration left = remaining == null ? timeout : timeout.minusNanos(System.nanoTime() - clock.start());
        List<InferenceResult> results = clock.inference(() -> submitAndAwait(model, tensors, left));
        List<Classified> classified = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            InferenceResult result = results.get(i);
            double[] probabilities = clock.time(i, Stage.POSTPROCESS, () -> Softmax.of(result.logits()));
            classified.add(new Classified(result, probabilities, clock.stop(i)));
        }
        return classified;
    }

    /** Already preprocessed inputs, {@code [3, H, W]} each, queued together; results in the same order. */
    public List<InferenceResult> infer(ServedModel model, List<float[]> tensors) {
        return infer(model, tensors, null);
    }

    /** As {@link #infer(ServedModel, List)} with the client's own deadline, {@code remaining} from now. */
    public List<InferenceResult> infer(ServedModel model, List<float[]> tensors, Duration remaining) {
        Duration timeout = model.requestTimeout(remaining);
        return stages.observeInference(model.name(), () -> submitAndAwait(model, tensors, timeout));
    }

    private List<InferenceResult> submitAndAwait(ServedModel model, List<float[]> tensors, Duration timeout) {
        List<CompletableFuture<InferenceResult>> pending = new ArrayList<>(tensors.size());
        Duration left = timeout.isNegative() ? Duration.ZERO : timeout;
        try {
            for (float[] tensor : tensors) {
                pending.add(model.submit(tensor, left));
            }
            List<InferenceResult> results = new ArrayList<>(pending.size());
            for (CompletableFuture<InferenceResult> each : pending) {
                results.add(await(each, left));
            }
            return results;
        } catch (RuntimeException e) {
            pending.forEach(each -> each.cancel(false));
            throw e;
        }
    }

    private static int checkTopK(Integer requested, int classes) {
        if (requested == null) {
            return Math.min(DEFAULT_TOP_K, classes);
        }
        if (requested < 1 || requested > classes) {
            throw new ServiceException(
                    ErrorCode.INVALID_TOP_K,
                    "topK must be between 1 and the model's " + classes + " classes, got " + requested);
        }
        return requested;
    }

    static <T> T await(CompletableFuture<T> pending, Duration requestTimeout) {
        try {
            // The worker drops the request at its deadline; this wait only adds a margin for a batch in flight.
            long timeout = requestTimeout.toMillis() * 2 + 1_000;
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
