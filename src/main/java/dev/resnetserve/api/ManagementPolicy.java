package dev.resnetserve.api;

import java.util.List;

/**
 * What the model management API may do.
 *
 * @param enabled          off: the management endpoints answer 404 (models come from configuration only)
 * @param allowedLocations prefixes a registered model's location and labels must start with; a URL is fetched by
 *                         the server, so only hosts listed here can be reached (no fetching of arbitrary URLs)
 */
public record ManagementPolicy(boolean enabled, List<String> allowedLocations) {

    public ManagementPolicy {
        allowedLocations = List.copyOf(allowedLocations);
    }

    boolean allows(String location) {
        return location == null || allowedLocations.stream().anyMatch(location::startsWith);
    }
}
