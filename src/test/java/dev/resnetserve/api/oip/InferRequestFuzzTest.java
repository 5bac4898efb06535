package dev.resnetserve.api.oip;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.resnetserve.error.ServiceException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Jazzer over the HTTP layer's request parsing: the Open Inference Protocol body (JSON, then binary tensor data
 * split by Inference-Header-Content-Length) and its tensor contents. Every input is either read or refused with
 * a {@link ServiceException} of a 400 ({@link OipException}, or the binary layout's check shared with gRPC); anything else is a finding. Seeds: InferRequestFuzzTestInputs.
 */
class InferRequestFuzzTest {

    private final InferRequestReader reader =
            new InferRequestReader(JsonMapper.builder().build());

    @FuzzTest(maxDuration = "45s")
    void readRequest(FuzzedDataProvider data) {
        String headerLength = data.consumeBoolean() ? Integer.toString(data.consumeInt(-8, 4096)) : null;
        byte[] body = data.consumeRemainingAsBytes();
        try {
            InferRequest request = reader.read(body, headerLength);
            for (InferRequest.Input input : request.inputs()) {
                if (input.binary() != null) {
                    TensorData.bytes(input.binary(), input.name());
                    if (input.binary().length % 4 == 0) {
                        TensorData.floats(input.binary(), input.name());
                    }
                } else if ("FP32".equals(input.datatype())) {
                    TensorData.floats(input.data(), input.name(), Math.min(input.elements(), 1 << 20));
                } else {
                    TensorData.bytes(input.data(), input.name(), Math.min(input.elements(), 1 << 20));
                }
            }
        } catch (ServiceException refused) {
            // a 400 with a message (OipException, or the binary layout's check shared with gRPC)
            if (refused.code().status() != 400) {
                throw refused;
            }
        }
    }
}
