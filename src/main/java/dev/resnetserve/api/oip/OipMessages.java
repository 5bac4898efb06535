package dev.resnetserve.api.oip;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** The Open Inference Protocol's JSON objects, as this service answers them (kserve/open-inference-protocol). */
final class OipMessages {

    private OipMessages() {}

    /** {@code $metadata_server_response}. */
    record ServerMetadata(String name, String version, List<String> extensions) {}

    /** {@code $metadata_model_response}. */
    record ModelMetadata(
            String name,
            List<String> versions,
            String platform,
            List<MetadataTensor> inputs,
            List<MetadataTensor> outputs) {}

    /** {@code $metadata_tensor}; -1 marks a variable dimension. */
    record MetadataTensor(String name, String datatype, long[] shape) {}

    /** {@code $inference_response}. */
    record InferResponse(
            @JsonProperty("model_name") String modelName,
            @JsonProperty("model_version") String modelVersion,
            String id,
            List<OutputTensor> outputs) {}

    /** {@code $response_output}: {@code data} is absent when the tensor travels as binary after the JSON. */
    record OutputTensor(String name, String datatype, long[] shape, Map<String, Object> parameters, Object data) {}

    record Live(boolean live) {}

    record Ready(boolean ready) {}

    record ModelReady(String name, boolean ready) {}
}
