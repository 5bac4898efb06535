package dev.resnetserve.api;

import dev.resnetserve.model.AllowedLocations;

/**
 * What the model management API may do. Who may call it is the security layer's (README, Security).
 *
 * @param enabled      off: the management endpoints answer 404 (models come from configuration only)
 * @param locations    where a registered model's location and labels may point; a URL is fetched by the server, so
 *                     only the hosts listed there can be reached (no fetching of arbitrary URLs)
 * @param maxBodyBytes a management request's body
 */
public record ManagementPolicy(boolean enabled, AllowedLocations locations, long maxBodyBytes) {

    /** The location as it is to be stored and read (see {@link AllowedLocations#resolve}), when it is allowed. */
    java.util.Optional<String> resolve(String location) {
        return locations.resolve(location);
    }

    boolean allows(String location) {
        return locations.allows(location);
    }
}
