package dev.resnetserve.api.oip;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.serving.RawTensors;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Tensor contents as the protocol carries them: JSON arrays (nested or flat, row-major) or little-endian bytes (the
 * binary extension's layout, shared with gRPC: {@link RawTensors}).
 */
final class TensorData {

    private TensorData() {}

    /** FP32 elements from JSON numbers, flattened row-major; at most {@code limit} of them. */
    static float[] floats(JsonNode data, String input, long limit) {
        List<JsonNode> flat = new ArrayList<>();
        flatten(data, flat, input, limit);
        float[] values = new float[flat.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode value = flat.get(i);
            if (!value.isNumber()) {
                throw new OipException(
                        ErrorCode.INVALID_DATA,
                        "input '" + input + "': FP32 data holds " + value + " at element " + i + ", not a number");
            }
            values[i] = fp32(value);
            if (!Float.isFinite(values[i])) {
                throw new OipException(
                        ErrorCode.INVALID_DATA,
                        "input '" + input + "': FP32 data holds " + value + " at element " + i
                                + ", beyond the FP32 range");
            }
        }
        return values;
    }

    /** A JSON number as FP32; out of range (which Jackson 3 refuses to convert) is infinite. */
    private static float fp32(JsonNode value) {
        try {
            return (float) value.doubleValue();
        } catch (JacksonException outOfRange) {
            return Float.POSITIVE_INFINITY;
        }
    }

    /** FP32 elements from the binary extension: 4 bytes each, little-endian. */
    static float[] floats(byte[] binary, String input) {
        return RawTensors.floats(binary, input);
    }

    /** BYTES elements from JSON: base64 strings (images are binary), flattened row-major. */
    static List<byte[]> bytes(JsonNode data, String input, long limit) {
        List<JsonNode> flat = new ArrayList<>();
        flatten(data, flat, input, limit);
        List<byte[]> values = new ArrayList<>(flat.size());
        Base64.Decoder base64 = Base64.getMimeDecoder();
        for (int i = 0; i < flat.size(); i++) {
            JsonNode value = flat.get(i);
            if (!value.isString()) {
                throw new OipException(
                        ErrorCode.INVALID_DATA,
                        "input '" + input + "': BYTES element " + i + " must be a base64 string");
            }
            try {
                values.add(base64.decode(value.asString()));
            } catch (IllegalArgumentException e) {
                throw new OipException(
                        ErrorCode.INVALID_DATA, "input '" + input + "': BYTES element " + i + " is not valid base64");
            }
        }
        return values;
    }

    /** BYTES elements from the binary extension: each a 4-byte little-endian length, then that many bytes. */
    static List<byte[]> bytes(byte[] binary, String input) {
        return RawTensors.bytes(binary, input);
    }

    private static void flatten(JsonNode node, List<JsonNode> into, String input, long limit) {
        if (node.isArray()) {
            for (JsonNode child : node) {
                flatten(child, into, input, limit);
            }
        } else {
            if (into.size() >= limit) {
                throw new OipException(
                        ErrorCode.SHAPE_MISMATCH,
                        "input '" + input + "': data holds more elements " + "than its shape");
            }
            into.add(node);
        }
    }
}
