package dev.resnetserve.api.oip;

import dev.resnetserve.serving.TensorInference;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * An inference request of the Open Inference Protocol ({@code $inference_request}).
 *
 * @param id             echoed in the response when present
 * @param inputs         the input tensors
 * @param outputs        the outputs asked for; empty means all of them, as JSON
 * @param classification Triton's classification extension asked for on the request, 0 when not
 * @param binaryOutputs  Triton's binary tensor extension asked for on the request ({@code binary_data_output})
 */
record InferRequest(String id, List<Input> inputs, List<Output> outputs, int classification, boolean binaryOutputs) {

    /**
     * One input tensor: JSON {@code data}, or the bytes the binary extension carried after the JSON.
     */
    record Input(String name, String datatype, long[] shape, JsonNode data, byte[] binary)
            implements TensorInference.Tensor {

        @Override
        public List<byte[]> bytes(long limit) {
            return binary != null ? TensorData.bytes(binary, name) : TensorData.bytes(data, name, limit);
        }

        @Override
        public float[] floats(long limit) {
            return binary != null ? TensorData.floats(binary, name) : TensorData.floats(data, name, limit);
        }
    }

    /** One requested output, with its classification ({@code k}, 0 for none) and binary flags. */
    record Output(String name, int classification, boolean binary) {}
}
