package dev.resnetserve.api.oip;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The schemas the protocol tests rely on do refuse what the specification does not allow. */
class OipSchemasTest {

    private final OipSchemas schemas = new OipSchemas();
    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void refuseMalformedObjects() {
        assertThat(valid(
                        "inference_request",
                        "{\"inputs\":[{\"name\":\"image\",\"shape\":[1],\"datatype\":\"BYTES\","
                                + "\"data\":[\"aGk=\"]}]}"))
                .isTrue();
        assertThat(valid(
                        "inference_request",
                        "{\"inputs\":[{\"name\":\"image\",\"shape\":[1]," + "\"datatype\":\"BYTES\"}]}"))
                .as("neither data nor binary_data_size")
                .isFalse();
        assertThat(valid(
                        "inference_request",
                        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FLOAT\"," + "\"data\":[1]}]}"))
                .as("not a protocol datatype")
                .isFalse();
        assertThat(valid("inference_response", "{\"outputs\":[]}"))
                .as("no model_name")
                .isFalse();
        assertThat(valid(
                        "inference_response",
                        "{\"model_name\":\"m\",\"outputs\":[{\"name\":\"p\",\"shape\":[1],"
                                + "\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":4}}]}"))
                .isTrue();
        assertThat(valid(
                        "metadata_model_response",
                        "{\"name\":\"m\",\"platform\":\"p\",\"inputs\":[{\"name\":\"i\","
                                + "\"datatype\":\"FP32\"}],\"outputs\":[]}"))
                .as("tensor without shape")
                .isFalse();
        assertThat(valid("error_response", "{\"error\":\"x\",\"detail\":\"y\"}"))
                .isFalse();
        assertThat(valid("error_response", "{\"error\":\"model not found\"}")).isTrue();
    }

    private boolean valid(String schema, String document) {
        return schemas.isValid(schema, json.readTree(document));
    }
}
