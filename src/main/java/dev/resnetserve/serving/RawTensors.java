package dev.resnetserve.serving;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Tensor elements as the Open Inference Protocol lays them out in bytes, over REST (Triton's binary tensor data)
 * and over gRPC ({@code raw_input_contents}, {@code raw_output_contents}): FP32 as 4 little-endian bytes each, and
 * each BYTES element as a 4-byte little-endian length, then that many bytes.
 */
public final class RawTensors {

    private RawTensors() {}

    /** FP32 elements: 4 bytes each, little-endian. */
    public static float[] floats(byte[] binary, String input) {
        if (binary.length % Float.BYTES != 0) {
            throw new ServiceException(
                    ErrorCode.BINARY_SIZE_MISMATCH,
                    "input '" + input + "': " + binary.length
                            + " bytes of FP32 data is not a whole number of 4-byte values");
        }
        float[] values = new float[binary.length / Float.BYTES];
        ByteBuffer.wrap(binary).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    /** BYTES elements: each a 4-byte little-endian length, then that many bytes. */
    public static List<byte[]> bytes(byte[] binary, String input) {
        ByteBuffer buffer = ByteBuffer.wrap(binary).order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> values = new ArrayList<>();
        while (buffer.hasRemaining()) {
            if (buffer.remaining() < Integer.BYTES) {
                throw new ServiceException(
                        ErrorCode.BINARY_SIZE_MISMATCH,
                        "input '" + input + "': BYTES element " + values.size()
                                + " is cut short before its 4-byte length");
            }
            int length = buffer.getInt();
            if (length < 0 || length > buffer.remaining()) {
                throw new ServiceException(
                        ErrorCode.BINARY_SIZE_MISMATCH,
                        "input '" + input + "': BYTES element " + values.size() + " declares " + length + " bytes but "
                                + buffer.remaining() + " remain");
            }
            byte[] value = new byte[length];
            buffer.get(value);
            values.add(value);
        }
        return values;
    }

    /** FP32 values, little-endian. */
    public static byte[] binary(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    /** BYTES values, length-prefixed, little-endian. */
    public static byte[] binary(List<byte[]> values) {
        int size = values.stream().mapToInt(v -> Integer.BYTES + v.length).sum();
        ByteBuffer buffer = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        values.forEach(v -> buffer.putInt(v.length).put(v));
        return buffer.array();
    }
}
