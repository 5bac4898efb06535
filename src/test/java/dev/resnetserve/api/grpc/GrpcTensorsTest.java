package dev.resnetserve.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.resnetserve.api.grpc.proto.InferParameter;
import dev.resnetserve.api.grpc.proto.InferTensorContents;
import dev.resnetserve.api.grpc.proto.ModelInferRequest;
import dev.resnetserve.api.grpc.proto.ModelInferResponse;
import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import dev.resnetserve.model.Labels;
import dev.resnetserve.serving.TensorInference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The gRPC adapter's tensors: typed and raw inputs read as the shared inference expects them (and refused when the
 * two are mixed, short or over their shape), the classification extension's {@code k} from either int64 kind, and
 * answers laid out as the request came, typed or raw, as Triton's clients read them.
 */
class GrpcTensorsTest {

    private static final Labels LABELS = new Labels(List.of("circle", "square", "triangle"));
    private static final TensorInference.Result RESULT = new TensorInference.Result(
            List.of(new double[] {0.25, 0.625, 0.125}, new double[] {0.5, 0.125, 0.375}),
            List.of(new TensorInference.Output("probabilities", 0), new TensorInference.Output("probabilities", 2)),
            LABELS);

    @Test
    void typedInputsAreReadWithTheirNameDatatypeShapeAndContents() {
        ModelInferRequest request = ModelInferRequest.newBuilder()
                .addInputs(tensor("image", "BYTES", 2)
                        .setContents(InferTensorContents.newBuilder()
                                .addBytesContents(ByteString.copyFrom(new byte[] {1, 2}))
                                .addBytesContents(ByteString.copyFrom(new byte[] {3}))))
                .addInputs(tensor("input", "FP32", 1, 3)
                        .setContents(InferTensorContents.newBuilder()
                                .addFp32Contents(0.5f)
                                .addFp32Contents(-1f)
                                .addFp32Contents(2f)))
                .build();

        List<TensorInference.Tensor> inputs = GrpcTensors.inputs(request);

        assertThat(inputs).hasSize(2);
        TensorInference.Tensor image = inputs.get(0);
        assertThat(image.name()).isEqualTo("image");
        assertThat(image.datatype()).isEqualTo("BYTES");
        assertThat(image.shape()).containsExactly(2);
        assertThat(image.bytes(2)).containsExactly(new byte[] {1, 2}, new byte[] {3});
        TensorInference.Tensor tensor = inputs.get(1);
        assertThat(tensor.shape()).containsExactly(1, 3);
        assertThat(tensor.floats(3)).containsExactly(0.5f, -1f, 2f);
        // no more elements than the shape holds; the limit itself is allowed
        refused(
                () -> image.bytes(1),
                ErrorCode.SHAPE_MISMATCH,
                "input 'image': bytes_contents holds 2 elements, " + "more than its shape's 1");
        refused(() -> tensor.floats(2), ErrorCode.SHAPE_MISMATCH, "input 'input': fp32_contents holds 3 elements");
    }

    @Test
    void fp32ContentsMustBeFinite() {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            TensorInference.Tensor input = GrpcTensors.inputs(ModelInferRequest.newBuilder()
                            .addInputs(tensor("input", "FP32", 2)
                                    .setContents(InferTensorContents.newBuilder()
                                            .addFp32Contents(1f)
                                            .addFp32Contents(bad)))
                            .build())
                    .get(0);
            refused(
                    () -> input.floats(2),
                    ErrorCode.INVALID_DATA,
                    "input 'input': fp32_contents holds " + bad + " at element 1");
        }
    }

    @Test
    void rawInputsAreOneEntryPerInputInTheirOrder() {
        ModelInferRequest request = ModelInferRequest.newBuilder()
                .addInputs(tensor("image", "BYTES", 2))
                .addInputs(tensor("input", "FP32", 2))
                .addRawInputContents(ByteString.copyFrom(lengthPrefixed(new byte[] {9, 8}, new byte[] {7})))
                .addRawInputContents(ByteString.copyFrom(floats(1.5f, -0.25f)))
                .build();

        List<TensorInference.Tensor> inputs = GrpcTensors.inputs(request);

        assertThat(inputs.get(0).bytes(2)).containsExactly(new byte[] {9, 8}, new byte[] {7});
        assertThat(inputs.get(1).floats(2)).containsExactly(1.5f, -0.25f);

        refused(
                () -> GrpcTensors.inputs(request.toBuilder()
                        .addRawInputContents(ByteString.EMPTY)
                        .build()),
                ErrorCode.INVALID_INPUTS,
                "raw_input_contents has 3 entries for 2 inputs; it needs one per input, in their order");
        refused(
                () -> GrpcTensors.inputs(request.toBuilder()
                        .setInputs(
                                1,
                                tensor("input", "FP32", 2)
                                        .setContents(
                                                InferTensorContents.newBuilder().addFp32Contents(1f)))
                        .build()),
                ErrorCode.INVALID_INPUTS,
                "input 'input' has contents while the request uses raw_input_contents");
        TensorInference.Tensor ragged = GrpcTensors.inputs(ModelInferRequest.newBuilder()
                        .addInputs(tensor("input", "FP32", 1))
                        .addRawInputContents(ByteString.copyFrom(new byte[] {1, 2, 3}))
                        .build())
                .get(0);
        refused(() -> ragged.floats(1), ErrorCode.BINARY_SIZE_MISMATCH, "input 'input': 3 bytes of FP32 data");
    }

    @Test
    void theClassificationExtensionTakesEitherInt64KindWithinAnInt() {
        assertThat(GrpcTensors.classification(Map.of(), "request")).isZero();
        assertThat(GrpcTensors.classification(Map.of("other", int64(3)), "request"))
                .isZero();
        assertThat(GrpcTensors.classification(Map.of("classification", int64(1)), "request"))
                .isEqualTo(1);
        assertThat(GrpcTensors.classification(
                        Map.of(
                                "classification",
                                InferParameter.newBuilder().setUint64Param(4).build()),
                        "request"))
                .isEqualTo(4);
        assertThat(GrpcTensors.classification(Map.of("classification", int64(Integer.MAX_VALUE)), "request"))
                .isEqualTo(Integer.MAX_VALUE);
        for (InferParameter bad : List.of(
                int64(0),
                int64(-2),
                int64(Integer.MAX_VALUE + 1L),
                InferParameter.newBuilder().setStringParam("2").build(),
                InferParameter.newBuilder().setBoolParam(true).build())) {
            refused(
                    () -> GrpcTensors.classification(Map.of("classification", bad), "output 'probabilities'"),
                    ErrorCode.INVALID_PARAMETER,
                    "output 'probabilities': parameter 'classification' must be a positive int64, got ");
        }

        List<TensorInference.Output> outputs = GrpcTensors.outputs(ModelInferRequest.newBuilder()
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                        .setName("probabilities")
                        .putParameters("classification", int64(2)))
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                        .setName("other"))
                .build());
        assertThat(outputs)
                .containsExactly(
                        new TensorInference.Output("probabilities", 2), new TensorInference.Output("other", 0));
    }

    @Test
    void typedAnswersHoldTheProbabilitiesAndTheTopClassesAsContents() {
        ModelInferResponse.Builder response = ModelInferResponse.newBuilder();

        GrpcTensors.answer(response, RESULT, false);

        assertThat(response.getRawOutputContentsCount()).isZero();
        assertThat(response.getOutputsCount()).isEqualTo(2);
        ModelInferResponse.InferOutputTensor probabilities = response.getOutputs(0);
        assertThat(probabilities.getName()).isEqualTo("probabilities");
        assertThat(probabilities.getDatatype()).isEqualTo("FP32");
        assertThat(probabilities.getShapeList()).containsExactly(2L, 3L);
        assertThat(probabilities.getContents().getFp32ContentsList())
                .containsExactly(0.25f, 0.625f, 0.125f, 0.5f, 0.125f, 0.375f);
        ModelInferResponse.InferOutputTensor top = response.getOutputs(1);
        assertThat(top.getDatatype()).isEqualTo("BYTES");
        assertThat(top.getShapeList()).containsExactly(2L, 2L);
        assertThat(top.getContents().getBytesContentsList().stream().map(ByteString::toStringUtf8))
                .containsExactly("0.625000:1:square", "0.250000:0:circle", "0.500000:0:circle", "0.375000:2:triangle");
    }

    @Test
    void rawAnswersAreOneRawEntryPerOutputWithoutContents() {
        ModelInferResponse.Builder response = ModelInferResponse.newBuilder();

        GrpcTensors.answer(response, RESULT, true);

        assertThat(response.getOutputsCount()).isEqualTo(2);
        assertThat(response.getOutputs(0).hasContents()).isFalse();
        assertThat(response.getOutputs(1).hasContents()).isFalse();
        assertThat(response.getOutputs(0).getShapeList()).containsExactly(2L, 3L);
        assertThat(response.getOutputs(1).getShapeList()).containsExactly(2L, 2L);
        assertThat(response.getRawOutputContentsCount()).isEqualTo(2);
        ByteBuffer probabilities =
                response.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        assertThat(probabilities.remaining()).isEqualTo(24);
        float[] flat = new float[6];
        probabilities.asFloatBuffer().get(flat);
        assertThat(flat).containsExactly(0.25f, 0.625f, 0.125f, 0.5f, 0.125f, 0.375f);
        ByteBuffer top = response.getRawOutputContents(1).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int length = top.getInt();
        byte[] first = new byte[length];
        top.get(first);
        assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("0.625000:1:square");
    }

    private static ModelInferRequest.InferInputTensor.Builder tensor(String name, String datatype, long... shape) {
        ModelInferRequest.InferInputTensor.Builder tensor =
                ModelInferRequest.InferInputTensor.newBuilder().setName(name).setDatatype(datatype);
        for (long dim : shape) {
            tensor.addShape(dim);
        }
        return tensor;
    }

    private static InferParameter int64(long value) {
        return InferParameter.newBuilder().setInt64Param(value).build();
    }

    private static byte[] lengthPrefixed(byte[]... values) {
        ByteBuffer buffer = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] value : values) {
            buffer.putInt(value.length).put(value);
        }
        byte[] bytes = new byte[buffer.position()];
        buffer.flip().get(bytes);
        return bytes;
    }

    private static byte[] floats(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            buffer.putFloat(value);
        }
        return buffer.array();
    }

    private static void refused(Runnable call, ErrorCode code, String message) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        ServiceException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageStartingWith(message);
    }
}
