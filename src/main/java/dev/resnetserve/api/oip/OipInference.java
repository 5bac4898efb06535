package dev.resnetserve.api.oip;

import dev.resnetserve.api.RequestLimits;
import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.inference.InferenceResult;
import dev.resnetserve.inference.Prediction;
import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.inference.TopK;
import dev.resnetserve.model.Labels;
import dev.resnetserve.serving.Classified;
import dev.resnetserve.serving.Classifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * Runs an Open Inference Protocol request on the same classifier and predictor pools as {@code /v1}: a BYTES input
 * holds encoded images (decoded and preprocessed here), an FP32 input holds preprocessed {@code [N,3,H,W]} tensors.
 * Every image or row of one request is queued together, so the batcher can run them in one pass.
 */
@Service
class OipInference {

    static final String IMAGE_INPUT = "image";
    static final String TENSOR_INPUT = "input";
    static final String PROBABILITIES = "probabilities";
    /** Values (probabilities, or top-k entries) one answer may hold: 32 images of a 10,000-class model. */
    static final long MAX_RESPONSE_VALUES = 320_000;

    private final Classifier classifier;
    private final int maxInputs;

    OipInference(Classifier classifier, RequestLimits limits) {
        this.classifier = classifier;
        this.maxInputs = limits.maxImagesPerRequest();
    }

    /** The model, checked against the version the path names, when it names one. */
    ServedModel model(String name, String version) {
        return classifier.require(name, version);
    }

    /** The JSON response and, for outputs asked for as binary, the bytes that follow it. */
    record Answer(OipMessages.InferResponse response, byte[] binary) {}

    Answer infer(ServedModel model, InferRequest request) {
        if (request.inputs().size() != 1) {
            throw new OipException(
                    ErrorCode.INVALID_INPUTS,
                    "model '" + model.name() + "' takes one input: '"
                            + IMAGE_INPUT + "' (BYTES, encoded images) or '" + TENSOR_INPUT
                            + "' (FP32, [N,3,H,W]); got "
                            + request.inputs().size());
        }
        Labels labels = classifier.labels(model);
        List<InferRequest.Output> asked = asked(model, request, labels);
        List<double[]> probabilities = switch (request.inputs().get(0).datatype()) {
            case "BYTES" -> classifyImages(model, request.inputs().get(0));
            case "FP32" -> classifyTensors(model, request.inputs().get(0));
            default ->
                throw new OipException(
                        ErrorCode.UNSUPPORTED_DATATYPE,
                        "input '"
                                + request.inputs().get(0).name() + "' has datatype "
                                + request.inputs().get(0).datatype()
                                + "; send BYTES (encoded images) or FP32 (preprocessed [N,3,H,W] tensors)");
        };
        return answer(model, request, labels, probabilities, asked);
    }

    /**
     * The outputs the answer will hold, checked before any inference: only names the model has, each once, and an
     * answer no larger than {@link #MAX_RESPONSE_VALUES} values.
     */
    private List<InferRequest.Output> asked(ServedModel model, InferRequest request, Labels labels) {
        List<InferRequest.Output> asked = request.outputs().isEmpty()
                ? List.of(new InferRequest.Output(PROBABILITIES, request.classification(), request.binaryOutputs()))
                : request.outputs();
        long rows = request.inputs().get(0).shape().length > 0
                ? request.inputs().get(0).shape()[0]
                : 0;
        long values = 0;
        for (InferRequest.Output output : asked) {
            if (!PROBABILITIES.equals(output.name())) {
                throw new OipException(
                        ErrorCode.UNKNOWN_OUTPUT,
                        "model '" + model.name() + "' has no output '" + output.name() + "'; its output is '"
                                + PROBABILITIES + "'");
            }
            int k = output.classification() > 0 ? output.classification() : request.classification();
            if (k > labels.size()) {
                throw new OipException(
                        ErrorCode.INVALID_PARAMETER,
                        "classification " + k + " is more than the " + "model's " + labels.size() + " classes");
            }
            values += rows * (k > 0 ? k : labels.size());
        }
        if (values > MAX_RESPONSE_VALUES) {
            throw new OipException(
                    ErrorCode.RESPONSE_TOO_LARGE,
                    "the answer would hold " + values + " values; at "
                            + "most " + MAX_RESPONSE_VALUES + " (ask for fewer images, or the top classes with "
                            + "'classification')");
        }
        return asked;
    }

    private List<double[]> classifyImages(ServedModel model, InferRequest.Input input) {
        long[] shape = input.shape();
        if (!(shape.length == 1 || (shape.length == 2 && shape[1] == 1))) {
            throw new OipException(
                    ErrorCode.SHAPE_MISMATCH,
                    "input '" + input.name() + "': BYTES images take shape " + "[N] or [N,1], got "
                            + Arrays.toString(shape));
        }
        checkBatch(input, shape[0]);
        List<byte[]> images = input.binary() != null
                ? TensorData.bytes(input.binary(), input.name())
                : TensorData.bytes(input.data(), input.name(), input.elements());
        checkElements(input, images.size());
        return classifier.classifyImages(model, images).stream()
                .map(Classified::probabilities)
                .toList();
    }

    private List<double[]> classifyTensors(ServedModel model, InferRequest.Input input) {
        long[] shape = input.shape();
        long[] expected = model.inputShape();
        if (shape.length != 4 || shape[1] != expected[0] || shape[2] != expected[1] || shape[3] != expected[2]) {
            throw new OipException(
                    ErrorCode.SHAPE_MISMATCH,
                    "input '" + input.name() + "': model '" + model.name()
                            + "' takes FP32 [N," + expected[0] + "," + expected[1] + "," + expected[2] + "], got "
                            + Arrays.toString(shape));
        }
        checkBatch(input, shape[0]);
        float[] values = input.binary() != null
                ? TensorData.floats(input.binary(), input.name())
                : TensorData.floats(input.data(), input.name(), input.elements());
        checkElements(input, values.length);
        int rowSize = (int) (expected[0] * expected[1] * expected[2]);
        List<float[]> rows = new ArrayList<>();
        for (int row = 0; row < shape[0]; row++) {
            rows.add(Arrays.copyOfRange(values, row * rowSize, (row + 1) * rowSize));
        }
        return classifier.infer(model, rows).stream()
                .map(InferenceResult::logits)
                .map(TopK::softmax)
                .toList();
    }

    private void checkBatch(InferRequest.Input input, long batch) {
        if (batch < 1 || batch > maxInputs) {
            throw new OipException(
                    ErrorCode.BATCH_TOO_LARGE,
                    "input '" + input.name() + "': between 1 and " + maxInputs
                            + " inputs per request (resnet.limits.max-images-per-request), got " + batch);
        }
    }

    private static void checkElements(InferRequest.Input input, long actual) {
        if (actual != input.elements()) {
            throw new OipException(
                    ErrorCode.SHAPE_MISMATCH,
                    "input '" + input.name() + "': shape "
                            + Arrays.toString(input.shape()) + " holds " + input.elements()
                            + " elements but the data has "
                            + actual);
        }
    }

    private Answer answer(
            ServedModel model,
            InferRequest request,
            Labels labels,
            List<double[]> probabilities,
            List<InferRequest.Output> asked) {
        List<OipMessages.OutputTensor> outputs = new ArrayList<>();
        List<byte[]> binary = new ArrayList<>();
        for (InferRequest.Output output : asked) {
            int k = output.classification() > 0 ? output.classification() : request.classification();
            boolean asBinary = output.binary() || request.binaryOutputs();
            OipMessages.OutputTensor tensor = k > 0
                    ? classification(output.name(), probabilities, k, labels, asBinary, binary)
                    : probabilities(output.name(), probabilities, labels.size(), asBinary, binary);
            outputs.add(tensor);
        }
        byte[] tail = concat(binary);
        return new Answer(
                new OipMessages.InferResponse(model.name(), model.spec().version(), request.id(), outputs),
                tail.length == 0 ? null : tail);
    }

    private static OipMessages.OutputTensor probabilities(
            String name, List<double[]> rows, int classes, boolean asBinary, List<byte[]> binary) {
        float[] flat = new float[rows.size() * classes];
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < classes; c++) {
                flat[r * classes + c] = (float) rows.get(r)[c];
            }
        }
        long[] shape = {rows.size(), classes};
        if (asBinary) {
            byte[] bytes = TensorData.binary(flat);
            binary.add(bytes);
            return new OipMessages.OutputTensor(name, "FP32", shape, Map.of("binary_data_size", bytes.length), null);
        }
        return new OipMessages.OutputTensor(name, "FP32", shape, null, flat);
    }

    /** Triton's classification extension: the top {@code k} of each row as "value:index:label", highest first. */
    private static OipMessages.OutputTensor classification(
            String name, List<double[]> rows, int k, Labels labels, boolean asBinary, List<byte[]> binary) {
        if (k > labels.size()) {
            throw new OipException(
                    ErrorCode.INVALID_PARAMETER,
                    "classification " + k + " is more than the model's " + labels.size() + " classes");
        }
        List<String> entries = new ArrayList<>();
        for (double[] row : rows) {
            for (Prediction p : TopK.ofProbabilities(row, k, labels)) {
                entries.add(String.format(Locale.ROOT, "%f:%d:%s", p.probability(), p.index(), p.label()));
            }
        }
        long[] shape = {rows.size(), k};
        if (asBinary) {
            byte[] bytes = TensorData.binary(entries.stream()
                    .map(e -> e.getBytes(StandardCharsets.UTF_8))
                    .toList());
            binary.add(bytes);
            return new OipMessages.OutputTensor(name, "BYTES", shape, Map.of("binary_data_size", bytes.length), null);
        }
        return new OipMessages.OutputTensor(name, "BYTES", shape, null, entries);
    }

    private static byte[] concat(List<byte[]> parts) {
        byte[] all = new byte[parts.stream().mapToInt(p -> p.length).sum()];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, offset, part.length);
            offset += part.length;
        }
        return all;
    }
}
