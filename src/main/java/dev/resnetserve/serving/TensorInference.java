package dev.resnetserve.serving;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import dev.resnetserve.inference.InferenceResult;
import dev.resnetserve.inference.ModelDetails;
import dev.resnetserve.inference.Prediction;
import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.inference.TopK;
import dev.resnetserve.model.Labels;
import dev.resnetserve.model.ModelFormat;
import dev.resnetserve.model.Softmax;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Open Inference Protocol's inference, whatever carries it (REST {@code /v2}, gRPC): a model's one input is
 * {@value #IMAGE_INPUT} (BYTES, encoded images, shape {@code [N]} or {@code [N,1]}), decoded and preprocessed by
 * the {@link Classifier}, or {@value #TENSOR_INPUT} (FP32, preprocessed {@code [N,3,H,W]}); its one output is
 * {@value #PROBABILITIES}, the softmax per input, or with Triton's classification extension the top {@code k} of
 * each as {@code "value:index:label"}. Every check a request must pass lives here once, before any inference; each
 * adapter only reads its wire format into a {@link Tensor} and writes the answer back.
 */
public final class TensorInference {

    public static final String IMAGE_INPUT = "image";
    public static final String TENSOR_INPUT = "input";
    public static final String PROBABILITIES = "probabilities";
    /** Values (probabilities, or top-k entries) one answer may hold: 32 images of a 10,000-class model. */
    public static final long MAX_RESPONSE_VALUES = 320_000;

    private final Classifier classifier;
    private final int maxInputs;

    /**
     * @param maxInputs images or tensor rows in one request ({@code resnet.limits.max-images-per-request})
     */
    public TensorInference(Classifier classifier, int maxInputs) {
        this.classifier = classifier;
        this.maxInputs = maxInputs;
    }

    /**
     * One input tensor as a protocol carries it; its elements are read only once its shape has been checked.
     */
    public interface Tensor {
        String name();

        String datatype();

        long[] shape();

        /** BYTES elements, at most {@code limit} of them (more is an error the reader reports). */
        List<byte[]> bytes(long limit);

        /** FP32 elements, flattened row-major, at most {@code limit} of them. */
        float[] floats(long limit);

        default long elements() {
            long product = 1;
            for (long dim : shape()) {
                product *= dim;
            }
            return product;
        }
    }

    /** One output asked for, with the classification extension's {@code k} (0: the probabilities). */
    public record Output(String name, int classification) {}

    /** The probabilities per input row, and the outputs to answer, checked. */
    public record Result(List<double[]> probabilities, List<Output> outputs, Labels labels) {}

    /** A tensor of a model's metadata; -1 for a dimension of variable size. */
    public record TensorMetadata(String name, String datatype, long[] shape) {}

    /** The model's inputs: encoded images, or preprocessed tensors of its input size. */
    public static List<TensorMetadata> inputs(ServedModel model) {
        long[] input = model.inputShape();
        return List.of(
                new TensorMetadata(IMAGE_INPUT, "BYTES", new long[] {-1}),
                new TensorMetadata(TENSOR_INPUT, "FP32", new long[] {-1, input[0], input[1], input[2]}));
    }

    /** The model's output: the probabilities of its classes (-1 while it has not loaded). */
    public static List<TensorMetadata> outputs(ServedModel model) {
        long classes = model.labels().map(labels -> (long) labels.size()).orElse(-1L);
        return List.of(new TensorMetadata(PROBABILITIES, "FP32", new long[] {-1, classes}));
    }

    /** Triton's platform name of the model: what runs it, and from which format. */
    public static String platform(ServedModel model) {
        return model.details()
                .map(ModelDetails::format)
                .map(TensorInference::platform)
                .orElse("pytorch_torchscript");
    }

    /** Triton's platform names: what runs the model, and from which format. */
    public static String platform(ModelFormat format) {
        return switch (format) {
            case ONNX -> "onnxruntime_onnx";
            case DJL_RESNET -> "pytorch_djl";
            case TORCHSCRIPT, DJL_URL -> "pytorch_torchscript";
        };
    }

    /**
     * The model a request names (404 when not served), the default version for a {@code null} version: for metadata
     * and readiness.
     */
    public ServedModel model(String name, String version) {
        return classifier.require(name, version);
    }

    /** The version that serves an inference request: the one named, else its model's traffic split's draw. */
    public ServedModel route(String name, String version) {
        return classifier.route(name, version);
    }

    /**
     * Runs a request: checks its inputs and outputs, then classifies.
     *
     * @param inputs         the request's inputs (the model takes one)
     * @param outputs        the outputs asked for; empty for the probabilities
     * @param classification the classification extension asked for on the request (0: none), for outputs
     *                       that do not ask for their own
     * @param remaining      the client's own deadline from now, or {@code null}
     */
    public Result infer(
            ServedModel model,
            List<? extends Tensor> inputs,
            List<Output> outputs,
            int classification,
            Duration remaining) {
        if (inputs.size() != 1) {
            throw new ServiceException(
                    ErrorCode.INVALID_INPUTS,
                    "model '" + model.name() + "' takes one input: '"
                            + IMAGE_INPUT + "' (BYTES, encoded images) or '" + TENSOR_INPUT
                            + "' (FP32, [N,3,H,W]); got "
                            + inputs.size());
        }
        Tensor input = inputs.get(0);
        Labels labels = classifier.labels(model);
        List<Output> asked = outputs(model, input, outputs, classification, labels);
        List<double[]> probabilities = switch (input.datatype()) {
            case "BYTES" -> classifyImages(model, input, remaining);
            case "FP32" -> classifyTensors(model, input, remaining);
            default ->
                throw new ServiceException(
                        ErrorCode.UNSUPPORTED_DATATYPE,
                        "input '" + input.name() + "' has datatype " + input.datatype()
                                + "; send BYTES (encoded images) or FP32 (preprocessed [N,3,H,W] tensors)");
        };
        return new Result(probabilities, asked, labels);
    }

    /**
     * The outputs the answer will hold, each with its {@code k} resolved, checked before any inference: only names
     * the model has, each once, and an answer no larger than {@link #MAX_RESPONSE_VALUES} values.
     */
    private static List<Output> outputs(
            ServedModel model, Tensor input, List<Output> outputs, int classification, Labels labels) {
        List<Output> asked = outputs.isEmpty() ? List.of(new Output(PROBABILITIES, 0)) : outputs;
        long rows = input.shape().length > 0 ? input.shape()[0] : 0;
        long values = 0;
        Set<String> names = new HashSet<>();
        List<Output> resolved = new ArrayList<>(asked.size());
        for (Output output : asked) {
            if (!PROBABILITIES.equals(output.name())) {
                throw new ServiceException(
                        ErrorCode.UNKNOWN_OUTPUT,
                        "model '" + model.name() + "' has no output '" + output.name() + "'; its output is '"
                                + PROBABILITIES + "'");
            }
            if (!names.add(output.name())) {
                throw new ServiceException(
                        ErrorCode.DUPLICATE_OUTPUT, "output '" + output.name() + "' is asked for more than once");
            }
            int k = output.classification() > 0 ? output.classification() : classification;
            if (k < 0) {
                throw new ServiceException(
                        ErrorCode.INVALID_PARAMETER, "classification must be a positive number of classes, got " + k);
            }
            if (k > labels.size()) {
                throw new ServiceException(
                        ErrorCode.INVALID_PARAMETER,
                        "classification " + k + " is more than the " + "model's " + labels.size() + " classes");
            }
            values += rows * (k > 0 ? k : labels.size());
            resolved.add(new Output(output.name(), k));
        }
        if (values > MAX_RESPONSE_VALUES) {
            throw new ServiceException(
                    ErrorCode.RESPONSE_TOO_LARGE,
                    "the answer would hold " + values + " values; at "
                            + "most " + MAX_RESPONSE_VALUES + " (ask for fewer images, or the top classes with "
                            + "'classification')");
        }
        return resolved;
    }

    private List<double[]> classifyImages(ServedModel model, Tensor input, Duration remaining) {
        long[] shape = input.shape();
        if (!(shape.length == 1 || (shape.length == 2 && shape[1] == 1))) {
            throw new ServiceException(
                    ErrorCode.SHAPE_MISMATCH,
                    "input '" + input.name() + "': BYTES images take shape " + "[N] or [N,1], got "
                            + Arrays.toString(shape));
        }
        checkBatch(input, shape[0]);
        List<byte[]> images = input.bytes(input.elements());
        checkElements(input, images.size());
        return classifier.classifyImages(model, images, remaining).stream()
                .map(Classified::probabilities)
                .toList();
    }

    private List<double[]> classifyTensors(ServedModel model, Tensor input, Duration remaining) {
        long[] shape = input.shape();
        long[] expected = model.inputShape();
        if (shape.length != 4 || shape[1] != expected[0] || shape[2] != expected[1] || shape[3] != expected[2]) {
            throw new ServiceException(
                    ErrorCode.SHAPE_MISMATCH,
                    "input '" + input.name() + "': model '" + model.name()
                            + "' takes FP32 [N," + expected[0] + "," + expected[1] + "," + expected[2] + "], got "
                            + Arrays.toString(shape));
        }
        checkBatch(input, shape[0]);
        float[] values = input.floats(input.elements());
        checkElements(input, values.length);
        int rowSize = (int) (expected[0] * expected[1] * expected[2]);
        List<float[]> rows = new ArrayList<>();
        for (int row = 0; row < shape[0]; row++) {
            rows.add(Arrays.copyOfRange(values, row * rowSize, (row + 1) * rowSize));
        }
        return classifier.infer(model, rows, remaining).stream()
                .map(InferenceResult::logits)
                .map(Softmax::of)
                .toList();
    }

    private void checkBatch(Tensor input, long batch) {
        if (batch < 1 || batch > maxInputs) {
            throw new ServiceException(
                    ErrorCode.BATCH_TOO_LARGE,
                    "input '" + input.name() + "': between 1 and " + maxInputs
                            + " inputs per request (resnet.limits.max-images-per-request), got " + batch);
        }
    }

    private static void checkElements(Tensor input, long actual) {
        if (actual != input.elements()) {
            throw new ServiceException(
                    ErrorCode.SHAPE_MISMATCH,
                    "input '" + input.name() + "': shape "
                            + Arrays.toString(input.shape()) + " holds " + input.elements()
                            + " elements but the data has "
                            + actual);
        }
    }

    /** The probabilities as an FP32 {@code [rows, classes]} tensor, flattened row-major. */
    public static float[] probabilities(List<double[]> rows, int classes) {
        float[] flat = new float[rows.size() * classes];
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < classes; c++) {
                flat[r * classes + c] = (float) rows.get(r)[c];
            }
        }
        return flat;
    }

    /** Triton's classification extension: the top {@code k} of each row as "value:index:label", highest first. */
    public static List<String> classification(List<double[]> rows, int k, Labels labels) {
        List<String> entries = new ArrayList<>(rows.size() * k);
        for (double[] row : rows) {
            for (Prediction p : TopK.ofProbabilities(row, k, labels)) {
                entries.add(String.format(Locale.ROOT, "%f:%d:%s", p.probability(), p.index(), p.label()));
            }
        }
        return entries;
    }
}
