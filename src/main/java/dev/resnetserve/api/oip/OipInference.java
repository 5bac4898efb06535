package dev.resnetserve.api.oip;

import dev.resnetserve.api.OutcomeCodes;
import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.serving.RawTensors;
import dev.resnetserve.serving.TensorInference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * Runs an Open Inference Protocol request on the same classifier and predictor pools as {@code /v1}, through the
 * protocol's inference shared with gRPC ({@link TensorInference}: inputs, outputs and their checks); this class only
 * dresses the answer as JSON and, for outputs asked for as binary, the bytes that follow it.
 */
@Service
class OipInference {

    static final String IMAGE_INPUT = TensorInference.IMAGE_INPUT;
    static final String TENSOR_INPUT = TensorInference.TENSOR_INPUT;
    static final String PROBABILITIES = TensorInference.PROBABILITIES;
    static final long MAX_RESPONSE_VALUES = TensorInference.MAX_RESPONSE_VALUES;

    private final TensorInference inference;

    OipInference(TensorInference inference) {
        this.inference = inference;
    }

    /** The model, checked against the version the path names, when it names one. */
    ServedModel model(String name, String version) {
        return inference.model(name, version);
    }

    /** The version that serves an inference request, recorded for its outcome's {@code version} label. */
    ServedModel route(String name, String version) {
        ServedModel model = inference.route(name, version);
        OutcomeCodes.rememberVersion(model.spec().version());
        return model;
    }

    /** The JSON response and, for outputs asked for as binary, the bytes that follow it. */
    record Answer(OipMessages.InferResponse response, byte[] binary) {}

    Answer infer(ServedModel model, InferRequest request) {
        List<TensorInference.Output> outputs = request.outputs().stream()
                .map(output -> new TensorInference.Output(output.name(), output.classification()))
                .toList();
        TensorInference.Result result =
                inference.infer(model, request.inputs(), outputs, request.classification(), null);
        List<OipMessages.OutputTensor> tensors = new ArrayList<>();
        List<byte[]> binary = new ArrayList<>();
        for (int i = 0; i < result.outputs().size(); i++) {
            TensorInference.Output output = result.outputs().get(i);
            boolean asBinary = request.binaryOutputs()
                    || (!request.outputs().isEmpty() && request.outputs().get(i).binary());
            tensors.add(
                    output.classification() > 0
                            ? classification(output, result, asBinary, binary)
                            : probabilities(output, result, asBinary, binary));
        }
        byte[] tail = concat(binary);
        return new Answer(
                new OipMessages.InferResponse(model.name(), model.spec().version(), request.id(), tensors),
                tail.length == 0 ? null : tail);
    }

    private static OipMessages.OutputTensor probabilities(
            TensorInference.Output output, TensorInference.Result result, boolean asBinary, List<byte[]> binary) {
        int classes = result.labels().size();
        float[] flat = TensorInference.probabilities(result.probabilities(), classes);
        long[] shape = {result.probabilities().size(), classes};
        if (asBinary) {
            byte[] bytes = RawTensors.binary(flat);
            binary.add(bytes);
            return new OipMessages.OutputTensor(
                    output.name(), "FP32", shape, Map.of("binary_data_size", bytes.length), null);
        }
        return new OipMessages.OutputTensor(output.name(), "FP32", shape, null, flat);
    }

    /** Triton's classification extension: the top {@code k} of each row as "value:index:label", highest first. */
    private static OipMessages.OutputTensor classification(
            TensorInference.Output output, TensorInference.Result result, boolean asBinary, List<byte[]> binary) {
        int k = output.classification();
        List<String> entries = TensorInference.classification(result.probabilities(), k, result.labels());
        long[] shape = {result.probabilities().size(), k};
        if (asBinary) {
            byte[] bytes = RawTensors.binary(entries.stream()
                    .map(e -> e.getBytes(StandardCharsets.UTF_8))
                    .toList());
            binary.add(bytes);
            return new OipMessages.OutputTensor(
                    output.name(), "BYTES", shape, Map.of("binary_data_size", bytes.length), null);
        }
        return new OipMessages.OutputTensor(output.name(), "BYTES", shape, null, entries);
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
