package dev.resnetserve.api.oip;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;

/** The protocol's objects as JSON Schemas (src/test/resources/oip), for requests and responses alike. */
final class OipSchemas {

    private static final String PREFIX = "https://resnet-serve.test/oip/";

    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaIdResolvers(resolvers -> resolvers.mapPrefix(PREFIX, "classpath:oip/")));

    JsonNode assertValid(String schema, JsonNode document) {
        Schema loaded = registry.getSchema(SchemaLocation.of(PREFIX + schema + ".schema.json"));
        assertThat(loaded.validate(document))
                .as("%s against %s", document, schema)
                .isEmpty();
        return document;
    }

    boolean isValid(String schema, JsonNode document) {
        return registry.getSchema(SchemaLocation.of(PREFIX + schema + ".schema.json"))
                .validate(document)
                .isEmpty();
    }
}
