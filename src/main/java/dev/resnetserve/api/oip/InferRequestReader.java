package dev.resnetserve.api.oip;

import dev.resnetserve.error.ErrorCode;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads {@code $inference_request} JSON and, with Triton's binary tensor extension, the raw tensor bytes that follow
 * it: {@code Inference-Header-Content-Length} says where the JSON ends, each binary input's
 * {@code parameters.binary_data_size} how many of the following bytes are its own, in input order.
 */
final class InferRequestReader {

    private static final int MAX_RANK = 8;
    /** The outputs one request may name; this service's models have one, and each may be named once. */
    static final int MAX_OUTPUTS = 8;
    /** Entries of one {@code parameters} object, and the length of a string in it or of an id or a name. */
    static final int MAX_PARAMETERS = 32;

    static final int MAX_STRING = 1024;

    private final JsonMapper json;

    InferRequestReader(JsonMapper json) {
        this.json = json;
    }

    InferRequest read(byte[] body, String headerLength) {
        int jsonLength = jsonLength(body, headerLength);
        JsonNode root;
        try {
            root = json.readTree(new ByteArrayInputStream(body, 0, jsonLength));
        } catch (JacksonException e) {
            throw new OipException(ErrorCode.INVALID_JSON, "the request is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new OipException(ErrorCode.INVALID_REQUEST, "the request must be a JSON object");
        }
        String id = optionalString(root, "id", "request");
        JsonNode parameters = optionalObject(root.get("parameters"), "request parameters");
        if (root.size() > MAX_PARAMETERS) {
            throw new OipException(
                    ErrorCode.INVALID_REQUEST,
                    "the request has " + root.size() + " members; "
                            + "id, parameters, inputs and outputs are all it needs");
        }

        JsonNode inputs = root.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            throw new OipException(ErrorCode.INVALID_REQUEST, "'inputs' must be a non-empty array");
        }
        int offset = jsonLength;
        List<InferRequest.Input> read = new ArrayList<>();
        for (JsonNode input : inputs) {
            InferRequest.Input parsed = input(input, body, offset);
            offset += parsed.binary() == null ? 0 : parsed.binary().length;
            read.add(parsed);
        }
        if (offset != body.length) {
            throw new OipException(
                    ErrorCode.BINARY_SIZE_MISMATCH,
                    "the body has " + (body.length - offset)
                            + " bytes after the JSON that no input's binary_data_size accounts for");
        }
        return new InferRequest(
                id,
                read,
                outputs(root.get("outputs")),
                positiveInt(parameters, "classification"),
                bool(parameters, "binary_data_output"));
    }

    private static int jsonLength(byte[] body, String headerLength) {
        if (headerLength == null) {
            return body.length;
        }
        try {
            int length = Integer.parseInt(headerLength.trim());
            if (length >= 0 && length <= body.length) {
                return length;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new OipException(
                ErrorCode.INVALID_HEADER,
                "Inference-Header-Content-Length must be a number of bytes " + "within the body (" + body.length
                        + " bytes), got '" + headerLength + "'");
    }

    private static InferRequest.Input input(JsonNode input, byte[] body, int offset) {
        if (!input.isObject()) {
            throw new OipException(ErrorCode.INVALID_REQUEST, "each input must be an object");
        }
        String name = requiredString(input, "name", "input");
        String datatype = requiredString(input, "datatype", "input '" + name + "'");
        long[] shape = shape(input.get("shape"), name);
        JsonNode parameters = optionalObject(input.get("parameters"), "parameters of input '" + name + "'");
        JsonNode binarySize = parameters == null ? null : parameters.get("binary_data_size");
        if (binarySize != null) {
            if (!binarySize.canConvertToLong()
                    || binarySize.asLong() < 0
                    || binarySize.asLong() > body.length - offset) {
                throw new OipException(
                        ErrorCode.BINARY_SIZE_MISMATCH,
                        "input '" + name + "': binary_data_size " + binarySize + " does not fit the "
                                + (body.length - offset) + " bytes left in the body");
            }
            int size = (int) binarySize.asLong();
            return new InferRequest.Input(name, datatype, shape, null, Arrays.copyOfRange(body, offset, offset + size));
        }
        JsonNode data = input.get("data");
        if (data == null || !data.isArray()) {
            throw new OipException(
                    ErrorCode.INVALID_REQUEST,
                    "input '" + name + "' needs 'data' (an array) or " + "parameters.binary_data_size");
        }
        return new InferRequest.Input(name, datatype, shape, data, null);
    }

    private static long[] shape(JsonNode shape, String input) {
        if (shape == null || !shape.isArray() || shape.isEmpty() || shape.size() > MAX_RANK) {
            throw new OipException(
                    ErrorCode.INVALID_SHAPE,
                    "input '" + input + "' needs 'shape', an array of 1 to " + MAX_RANK + " dimensions");
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode dim = shape.get(i);
            if (!dim.isIntegralNumber()
                    || !dim.canConvertToLong()
                    || dim.asLong() < 0
                    || dim.asLong() > Integer.MAX_VALUE) {
                throw new OipException(
                        ErrorCode.INVALID_SHAPE,
                        "input '" + input + "': shape " + shape + " must hold non-negative integers");
            }
            dims[i] = dim.asLong();
        }
        return dims;
    }

    private static List<InferRequest.Output> outputs(JsonNode outputs) {
        if (outputs == null) {
            return List.of();
        }
        if (!outputs.isArray()) {
            throw new OipException(ErrorCode.INVALID_REQUEST, "'outputs' must be an array");
        }
        if (outputs.size() > MAX_OUTPUTS) {
            throw new OipException(
                    ErrorCode.INVALID_REQUEST,
                    "'outputs' names " + outputs.size() + " outputs; at " + "most " + MAX_OUTPUTS + ", each once");
        }
        List<InferRequest.Output> read = new ArrayList<>();
        for (JsonNode output : outputs) {
            if (!output.isObject()) {
                throw new OipException(ErrorCode.INVALID_REQUEST, "each output must be an object");
            }
            String name = requiredString(output, "name", "output");
            if (read.stream().anyMatch(previous -> previous.name().equals(name))) {
                throw new OipException(ErrorCode.DUPLICATE_OUTPUT, "output '" + name + "' is asked for twice");
            }
            JsonNode parameters = optionalObject(output.get("parameters"), "parameters of output '" + name + "'");
            read.add(new InferRequest.Output(
                    name, positiveInt(parameters, "classification"), bool(parameters, "binary_data")));
        }
        return read;
    }

    private static String requiredString(JsonNode node, String field, String what) {
        JsonNode value = node.get(field);
        if (value == null || !value.isString() || value.asString().isBlank()) {
            throw new OipException(ErrorCode.INVALID_REQUEST, what + " needs '" + field + "', a string");
        }
        return bounded(value.asString(), what + " '" + field + "'");
    }

    private static String optionalString(JsonNode node, String field, String what) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw new OipException(ErrorCode.INVALID_REQUEST, what + " '" + field + "' must be a string");
        }
        return bounded(value.asString(), what + " '" + field + "'");
    }

    private static String bounded(String value, String what) {
        if (value.length() > MAX_STRING) {
            throw new OipException(ErrorCode.INVALID_REQUEST, what + " is longer than " + MAX_STRING + " characters");
        }
        return value;
    }

    private static JsonNode optionalObject(JsonNode node, String what) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new OipException(ErrorCode.INVALID_REQUEST, what + " must be an object");
        }
        if (node.size() > MAX_PARAMETERS) {
            throw new OipException(
                    ErrorCode.INVALID_PARAMETER, what + " has " + node.size() + " entries; at most " + MAX_PARAMETERS);
        }
        for (JsonNode value : node.values()) {
            if (value.isContainer() || value.isString() && value.asString().length() > MAX_STRING) {
                throw new OipException(
                        ErrorCode.INVALID_PARAMETER,
                        what + " hold numbers, booleans and strings of " + "at most " + MAX_STRING + " characters");
            }
        }
        return node;
    }

    private static int positiveInt(JsonNode parameters, String field) {
        JsonNode value = parameters == null ? null : parameters.get(field);
        if (value == null) {
            return 0;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 1 || value.asLong() > 100_000) {
            throw new OipException(
                    ErrorCode.INVALID_PARAMETER,
                    "parameter '" + field + "' must be a positive " + "integer, got " + value);
        }
        return value.asInt();
    }

    private static boolean bool(JsonNode parameters, String field) {
        JsonNode value = parameters == null ? null : parameters.get(field);
        if (value == null) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new OipException(ErrorCode.INVALID_PARAMETER, "parameter '" + field + "' must be true or false");
        }
        return value.asBoolean();
    }
}
