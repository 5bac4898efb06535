package dev.resnetserve.serving;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import dev.resnetserve.inference.DeadlineExceededException;
import dev.resnetserve.inference.InferenceResult;
import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.model.Labels;
import dev.resnetserve.model.Softmax;
import dev.resnetserve.model.resnet.ClassMap;
import dev.resnetserve.model.resnet.ExplainReference;
import dev.resnetserve.model.resnet.GradCam;
import dev.resnetserve.model.resnet.HeatMaps;
import dev.resnetserve.model.resnet.IntegratedGradients;
import dev.resnetserve.model.resnet.Occlusion;
import dev.resnetserve.preprocess.ImageDecoder;
import dev.resnetserve.preprocess.PreprocessingSpec;
import dev.resnetserve.preprocess.Preprocessor;
import dev.resnetserve.preprocess.RgbImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Explains one prediction with a heat map: which parts of the preprocessed input the model's answer for a class
 * rests on. Checks everything a request names before it costs anything (model, method, target), takes a place in
 * the {@link ExplainBudget}, then room in the model's queue, and only then reads and decodes the image as
 * {@link Classifier} does. Every forward or backward pass goes through the model's queue to its workers, in chunks
 * no larger than its batch size, so explanations share the workers with classification under the same admission;
 * the whole explanation keeps the model's {@code request-timeout}, whatever number of chunks it takes.
 */
public final class Explainer {

    private final Classifier classifier;
    private final ImageDecoder decoder;
    private final Preprocessor preprocessor;
    private final ExplainBudget budget;
    private final ClassificationObserver observer;
    private final int occlusionGrid;
    private final int occlusionBatch;
    private final int pathSteps;
    private final ExplainReference reference;
    private final ExplainPacing pacing;

    /**
     * @param observer       told each successful explanation's stage durations (the stage histogram) and its pauses
     * @param occlusionGrid  cells a side of an occlusion map
     * @param occlusionBatch occluded inputs queued per part of an occlusion (at most the model's batch size)
     * @param pathSteps      path points of integrated gradients
     * @param reference      what occlusion fills a hidden cell from and integrated gradients start from
     * @param shareUnderLoad the most of a worker's time an explanation's parts hold while other requests arrive
     *                       ({@link ExplainPacing}); 1: no pauses
     */
    public Explainer(
            Classifier classifier,
            ImageDecoder decoder,
            Preprocessor preprocessor,
            ExplainBudget budget,
            ClassificationObserver observer,
            int occlusionGrid,
            int occlusionBatch,
            int pathSteps,
            ExplainReference reference,
            double shareUnderLoad) {
        this.classifier = classifier;
        this.decoder = decoder;
        this.preprocessor = preprocessor;
        this.budget = budget;
        this.observer = observer;
        this.occlusionGrid = occlusionGrid;
        this.occlusionBatch = occlusionBatch;
        this.pathSteps = pathSteps;
        this.reference = reference;
        this.pacing = new ExplainPacing(shareUnderLoad);
    }

    /** The image of a request, read only once the explanation may run (a raw body, a multipart part). */
    @FunctionalInterface
    public interface ImageBody {
        byte[] read() throws IOException;
    }

    /**
     * @param version {@code null}: the model's default version
     * @param target  the class to explain; {@code null}: the model's top-1 class for the image
     * @param method  {@code grad-cam}, {@code hires-cam}, {@code integrated-gradients} or {@code occlusion};
     *                {@code null}: the best the model allows (see {@link #choose})
     */
    public Explanation explain(String modelName, String version, ImageBody body, Integer target, String method)
            throws IOException {
        ServedModel model = classifier.require(modelName, version);
        Labels labels = classifier.labels(model);
        ExplainMethod chosen = choose(model, method);
        if (target != null && (target < 0 || target >= labels.size())) {
            throw new ServiceException(
                    ErrorCode.INVALID_PARAMETER,
                    "target must be a class index from 0 to " + (labels.size() - 1) + ", got " + target);
        }
        try (ExplainBudget.Permit permit = budget.acquire()) {
            long deadline =
                    System.nanoTime() + model.scheduling().requestTimeout().toNanos();
            // room in the model's queue for what it will queue at once, checked before any decoding
            model.admit(chosen == ExplainMethod.OCCLUSION ? occlusionPart(model) : 1);
            long[] nanos = new long[Stage.values().length];
            Prepared prepared = preprocess(model, body.read(), nanos);
            float[] input = prepared.input();
            long passes = System.nanoTime();
            Explanation explanation = switch (chosen) {
                case GRAD_CAM, HIRES_CAM -> gradCam(model, labels, input, target, deadline, chosen);
                case INTEGRATED_GRADIENTS -> integratedGradients(model, labels, prepared, target, deadline);
                case OCCLUSION -> occlusion(model, labels, prepared, target, deadline);
            };
            nanos[Stage.INFERENCE.ordinal()] = System.nanoTime() - passes;
            observer.explanationStagesMeasured(model.name(), model.spec().version(), chosen.label(), nanos);
            return explanation;
        }
    }

    /**
     * The method asked for, if the model allows it; none: the best it allows (a CAM: HiResCAM behind global max
     * pooling, Grad-CAM otherwise; then integrated gradients; then occlusion).
     */
    private static ExplainMethod choose(ServedModel model, String method) {
        if (method == null || method.isBlank()) {
            return model.supportsGradCam()
                    ? model.maxPooled() ? ExplainMethod.HIRES_CAM : ExplainMethod.GRAD_CAM
                    : model.supportsIntegratedGradients()
                            ? ExplainMethod.INTEGRATED_GRADIENTS
                            : ExplainMethod.OCCLUSION;
        }
        ExplainMethod named = ExplainMethod.named(method);
        if ((named == ExplainMethod.GRAD_CAM || named == ExplainMethod.HIRES_CAM) && !model.supportsGradCam()) {
            throw new ServiceException(
                    ErrorCode.UNSUPPORTED_METHOD,
                    "model '" + model.name() + "' cannot be explained with " + named.label()
                            + ": its last residual stage cannot be "
                            + "reached (a TorchScript export needs the README's recipe; ONNX models never); use "
                            + (model.supportsIntegratedGradients() ? "integrated-gradients or " : "")
                            + "occlusion");
        }
        if (named == ExplainMethod.INTEGRATED_GRADIENTS && !model.supportsIntegratedGradients()) {
            throw new ServiceException(
                    ErrorCode.UNSUPPORTED_METHOD,
                    "model '" + model.name() + "' cannot be explained with integrated-gradients: its engine cannot run"
                            + " it with gradients (ONNX Runtime); use occlusion");
        }
        return named;
    }

    /** A preprocessed input and the image's own part of it (the rest is padding). */
    private record Prepared(float[] input, ExplainReference.Area image) {}

    /** Decodes and preprocesses {@code image}, each stage's time into {@code nanos} (by {@link Stage#ordinal()}). */
    private Prepared preprocess(ServedModel model, byte[] image, long[] nanos) {
        PreprocessingSpec spec = model.preprocessing();
        long start = System.nanoTime();
        OptionalLong deadline =
                OptionalLong.of(start + model.scheduling().requestTimeout().toNanos());
        RgbImage rgb = decoder.decode(image, spec.alpha(), spec.background(), deadline);
        long decoded = System.nanoTime();
        float[] tensor = preprocessor.toTensor(rgb, spec);
        ExplainReference.Area area = ExplainReference.Area.of(
                Preprocessor.placement(rgb.width(), rgb.height(), spec).area(spec.width(), spec.height()));
        nanos[Stage.DECODE.ordinal()] = decoded - start;
        nanos[Stage.PREPROCESS.ordinal()] = System.nanoTime() - decoded;
        return new Prepared(tensor, area);
    }

    /**
     * Runs one part of an explanation, which queues {@code own} requests for the model, and then pauses as
     * {@link ExplainPacing} says when others queued requests meanwhile (the queue's count before and after, less the
     * part's own), telling the observer. The last part pauses too, before the answer, while the explanation still
     * holds its place in the explanation budget: explanations back to back (Grad-CAM is a single part) keep to the
     * share as parts do; that pause takes at most half the time left, so a finished map is never held to the
     * deadline.
     */
    private <T> T part(ServedModel model, int own, long deadline, boolean last, Supplier<T> run) {
        long queuedBefore = model.queuedSoFar();
        long start = System.nanoTime();
        T result = run.get();
        long now = System.nanoTime();
        long others = model.queuedSoFar() - queuedBefore - own;
        long pause = pacing.pauseNanos(now - start, others, last ? (deadline - now) / 2 : deadline - now);
        if (pause > 0) {
            observer.explanationPaused(model.name(), pause);
            ExplainPacing.pause(pause);
        }
        return result;
    }

    /** Grad-CAM or HiResCAM ({@link GradCam}): one job on a worker, then the pause it owes while others wait. */
    private Explanation gradCam(
            ServedModel model, Labels labels, float[] input, Integer target, long deadline, ExplainMethod method) {
        GradCam.Weighting weighting = GradCam.Weighting.ofMethod(method.label()).orElseThrow();
        ClassMap map = part(
                model,
                1,
                deadline,
                true,
                () -> Classifier.await(
                        model.gradCam(input, target == null ? -1 : target, weighting),
                        model.scheduling().requestTimeout()));
        return explanation(model, labels, method, map, input);
    }

    /**
     * Integrated gradients ({@link IntegratedGradients}) of {@code pathSteps} path points, in parts: the input's
     * logits as a classification (batched with others), then one job per {@link IntegratedGradients#CHUNK} path
     * points, each awaited before the next is queued, so that a worker runs classification batches between the
     * parts instead of holding them up for the whole explanation, and pausing between them while others wait
     * ({@link ExplainPacing}); the whole explanation keeps the request's deadline.
     */
    private Explanation integratedGradients(
            ServedModel model, Labels labels, Prepared prepared, Integer target, long deadline) {
        PreprocessingSpec spec = model.preprocessing();
        float[] input = prepared.input();
        float[] logits = classifier.infer(model, List.of(input)).get(0).logits();
        int chosen = target != null ? target : GradCam.argMax(logits);
        float[] baseline = reference.of(input, spec.height(), spec.width(), prepared.image());
        float[] sum = new float[input.length];
        for (int from = 0; from < pathSteps; from += IntegratedGradients.CHUNK) {
            if (System.nanoTime() - deadline >= 0) {
                throw new DeadlineExceededException(); // the whole explanation keeps the request's deadline
            }
            int first = from;
            int count = Math.min(IntegratedGradients.CHUNK, pathSteps - from);
            float[] gradients = part(
                    model,
                    1,
                    deadline,
                    first + count == pathSteps,
                    () -> Classifier.await(
                            model.pathGradients(input, baseline, chosen, first, count, pathSteps),
                            model.scheduling().requestTimeout()));
            for (int i = 0; i < sum.length; i++) {
                sum[i] += gradients[i];
            }
        }
        ClassMap map = IntegratedGradients.map(
                IntegratedGradients.Attributions.of(chosen, logits, sum, input, baseline, pathSteps),
                spec.height(),
                spec.width(),
                HeatMaps.ATTRIBUTION_GRID);
        return explanation(model, labels, ExplainMethod.INTEGRATED_GRADIENTS, map, input);
    }

    /**
     * Occlusion ({@link Occlusion}) on a grid of {@code occlusionGrid} cells a side: the occluded inputs run through
     * the model's queue in parts of {@link #occlusionPart}, each part awaited before the next is queued and followed
     * by a pause while others wait ({@link ExplainPacing}), and the whole explanation keeps the request's deadline.
     */
    private Explanation occlusion(ServedModel model, Labels labels, Prepared prepared, Integer target, long deadline) {
        PreprocessingSpec spec = model.preprocessing();
        float[] input = prepared.input();
        int grid = Occlusion.grid(occlusionGrid, spec.height(), spec.width());
        List<float[]> inputs = Occlusion.inputs(
                input,
                spec.height(),
                spec.width(),
                grid,
                reference.of(input, spec.height(), spec.width(), prepared.image()));
        List<float[]> logits = new ArrayList<>(inputs.size());
        int chunk = occlusionPart(model);
        for (int from = 0; from < inputs.size(); from += chunk) {
            if (System.nanoTime() - deadline >= 0) {
                throw new DeadlineExceededException(); // the whole explanation keeps the request's deadline
            }
            List<float[]> chunkInputs = inputs.subList(from, Math.min(inputs.size(), from + chunk));
            boolean last = from + chunkInputs.size() == inputs.size();
            for (InferenceResult result :
                    part(model, chunkInputs.size(), deadline, last, () -> classifier.infer(model, chunkInputs))) {
                logits.add(result.logits());
            }
        }
        ClassMap map = Occlusion.map(logits, target == null ? -1 : target, grid);
        return explanation(model, labels, ExplainMethod.OCCLUSION, map, input);
    }

    /**
     * Occluded inputs queued at once: {@code occlusion-batch}, at most the model's batch size. A part shares its
     * worker's batch with classifications queued before it, and they wait for the whole batch: smaller parts keep
     * that wait short (docs/benchmarks.md, "Classification while explanations run").
     */
    private int occlusionPart(ServedModel model) {
        return Math.max(1, Math.min(occlusionBatch, model.batchMaxSize()));
    }

    private static Explanation explanation(
            ServedModel model, Labels labels, ExplainMethod method, ClassMap result, float[] input) {
        double[] probabilities = Softmax.of(result.logits());
        double[][] map = new double[result.height()][result.width()];
        for (int row = 0; row < result.height(); row++) {
            for (int col = 0; col < result.width(); col++) {
                map[row][col] = result.map()[row * result.width() + col];
            }
        }
        return explanation(model, labels, method, result.target(), probabilities, map, input);
    }

    private static Explanation explanation(
            ServedModel model,
            Labels labels,
            ExplainMethod method,
            int target,
            double[] probabilities,
            double[][] map,
            float[] input) {
        return new Explanation(
                model.name(),
                model.spec().version(),
                method,
                new Explanation.Target(target, labels.name(target), probabilities[target]),
                map,
                input,
                model.preprocessing());
    }
}
