package dev.resnetserve.config;

import jakarta.validation.constraints.NotNull;
import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code resnet.management.*}: the model management API ({@code POST/DELETE/PUT /v1/models...}).
 *
 * @param enabled          serve the management endpoints
 * @param allowedLocations prefixes a registered model's location and labels must start with; add an
 *                         {@code https://models.example.com/} prefix to let the server fetch from that host only
 */
public record ManagementProperties(
        @DefaultValue("true") boolean enabled,
        @NotNull @DefaultValue({"file:", "classpath:"}) List<String> allowedLocations) {
}
