package dev.resnetserve.api.grpc;

import com.google.protobuf.ByteString;
import dev.resnetserve.api.grpc.proto.InferParameter;
import dev.resnetserve.api.grpc.proto.InferTensorContents;
import dev.resnetserve.api.grpc.proto.ModelInferRequest;
import dev.resnetserve.api.grpc.proto.ModelInferResponse;
import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import dev.resnetserve.serving.RawTensors;
import dev.resnetserve.serving.TensorInference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The protocol's tensors in its protobuf messages: inputs as typed {@code contents} ({@code bytes_contents},
 * {@code fp32_contents}) or {@code raw_input_contents} (little-endian, BYTES elements length-prefixed), outputs
 * answered the way the request came: raw when it sent raw inputs (as Triton answers, and its clients read), typed
 * contents otherwise.
 */
final class GrpcTensors {

    static final String CLASSIFICATION = "classification";

    private GrpcTensors() {}

    /** The request's inputs, each with its typed or raw contents. */
    static List<TensorInference.Tensor> inputs(ModelInferRequest request) {
        int raw = request.getRawInputContentsCount();
        if (raw > 0 && raw != request.getInputsCount()) {
            throw new ServiceException(
                    ErrorCode.INVALID_INPUTS,
                    "raw_input_contents has " + raw + " entries for " + request.getInputsCount()
                            + " inputs; it needs one per input, in their order");
        }
        List<TensorInference.Tensor> inputs = new ArrayList<>(request.getInputsCount());
        for (int i = 0; i < request.getInputsCount(); i++) {
            ModelInferRequest.InferInputTensor input = request.getInputs(i);
            if (raw > 0 && input.hasContents()) {
                throw new ServiceException(
                        ErrorCode.INVALID_INPUTS,
                        "input '" + input.getName() + "' has contents while the request uses raw_input_contents");
            }
            inputs.add(new Input(input, raw > 0 ? request.getRawInputContents(i) : null));
        }
        return inputs;
    }

    /** The outputs asked for, with their classification extension; empty for the model's output. */
    static List<TensorInference.Output> outputs(ModelInferRequest request) {
        return request.getOutputsList().stream()
                .map(output -> new TensorInference.Output(
                        output.getName(),
                        classification(output.getParametersMap(), "output '" + output.getName() + "'")))
                .toList();
    }

    /** The classification extension's {@code k} in a parameters map: 0 when absent. */
    static int classification(Map<String, InferParameter> parameters, String where) {
        InferParameter k = parameters.get(CLASSIFICATION);
        if (k == null) {
            return 0;
        }
        long value = switch (k.getParameterChoiceCase()) {
            case INT64_PARAM -> k.getInt64Param();
            case UINT64_PARAM -> k.getUint64Param();
            default -> -1;
        };
        if (value < 1 || value > Integer.MAX_VALUE) {
            throw new ServiceException(
                    ErrorCode.INVALID_PARAMETER,
                    where + ": parameter 'classification' must be a positive int64, got " + k);
        }
        return (int) value;
    }

    /** The answer's outputs, typed or raw. */
    static void answer(ModelInferResponse.Builder response, TensorInference.Result result, boolean raw) {
        int rows = result.probabilities().size();
        for (TensorInference.Output output : result.outputs()) {
            ModelInferResponse.InferOutputTensor.Builder tensor =
                    ModelInferResponse.InferOutputTensor.newBuilder().setName(output.name());
            int k = output.classification();
            if (k > 0) {
                List<String> entries = TensorInference.classification(result.probabilities(), k, result.labels());
                tensor.setDatatype("BYTES").addShape(rows).addShape(k);
                if (raw) {
                    response.addRawOutputContents(ByteString.copyFrom(RawTensors.binary(entries.stream()
                            .map(e -> e.getBytes(StandardCharsets.UTF_8))
                            .toList())));
                } else {
                    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
                    entries.forEach(e -> contents.addBytesContents(ByteString.copyFromUtf8(e)));
                    tensor.setContents(contents);
                }
            } else {
                int classes = result.labels().size();
                float[] flat = TensorInference.probabilities(result.probabilities(), classes);
                tensor.setDatatype("FP32").addShape(rows).addShape(classes);
                if (raw) {
                    response.addRawOutputContents(ByteString.copyFrom(RawTensors.binary(flat)));
                } else {
                    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
                    for (float value : flat) {
                        contents.addFp32Contents(value);
                    }
                    tensor.setContents(contents);
                }
            }
            response.addOutputs(tensor);
        }
    }

    /** One input: its typed contents, or its entry of {@code raw_input_contents}. */
    private record Input(ModelInferRequest.InferInputTensor tensor, ByteString raw) implements TensorInference.Tensor {

        @Override
        public String name() {
            return tensor.getName();
        }

        @Override
        public String datatype() {
            return tensor.getDatatype();
        }

        @Override
        public long[] shape() {
            return tensor.getShapeList().stream().mapToLong(Long::longValue).toArray();
        }

        @Override
        public List<byte[]> bytes(long limit) {
            if (raw != null) {
                return RawTensors.bytes(raw.toByteArray(), name());
            }
            List<ByteString> values = tensor.getContents().getBytesContentsList();
            checkCount(values.size(), limit, "bytes_contents");
            return values.stream().map(ByteString::toByteArray).toList();
        }

        @Override
        public float[] floats(long limit) {
            if (raw != null) {
                return RawTensors.floats(raw.toByteArray(), name());
            }
            List<Float> values = tensor.getContents().getFp32ContentsList();
            checkCount(values.size(), limit, "fp32_contents");
            float[] floats = new float[values.size()];
            for (int i = 0; i < floats.length; i++) {
                floats[i] = values.get(i);
                if (!Float.isFinite(floats[i])) {
                    throw new ServiceException(
                            ErrorCode.INVALID_DATA,
                            "input '" + name() + "': fp32_contents holds " + floats[i] + " at element " + i);
                }
            }
            return floats;
        }

        private void checkCount(int count, long limit, String field) {
            if (count > limit) {
                throw new ServiceException(
                        ErrorCode.SHAPE_MISMATCH,
                        "input '" + name() + "': " + field + " holds " + count + " elements, more than its shape's "
                                + limit);
            }
        }
    }
}
