package dev.resnetserve.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code resnet.management.*}: the model management API ({@code POST/DELETE/PUT /v1/models...}).
 *
 * @param enabled             serve the management endpoints (who may call them: README, Security)
 * @param allowedLocations    where a registered model and its labels may come from: directories ({@code file:DIR/},
 *                            compared by real path), classpath prefixes, and {@code https://HOST/PATH} prefixes
 *                            compared by exact host (see {@code AllowedLocations})
 * @param maxModels           models served at once, configured ones included
 * @param maxVersionsPerModel versions of one model served at once
 * @param maxBodySize         a management request's JSON body
 */
public record ManagementProperties(
        @DefaultValue("true") boolean enabled,

        @NotNull @DefaultValue({"file:models/", "classpath:models/"})
        List<String> allowedLocations,

        @Min(1) @Max(1000) @DefaultValue("16") int maxModels,
        @Min(1) @Max(100) @DefaultValue("4") int maxVersionsPerModel,
        @NotNull @DefaultValue("64KB") DataSize maxBodySize) {}
