package dev.resnetserve.config;

import dev.resnetserve.security.Role;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code resnet.security.*}: API keys per endpoint group, CORS. Off by default (the default configuration listens
 * on loopback only); {@code resnet.security.enabled=true} plus one key turns it on.
 *
 * @param enabled        require an API key on inference, management and metrics endpoints
 * @param apiKeys        accepted keys, by the SHA-256 of their text
 * @param metricsPublic  leave /actuator/prometheus open
 * @param corsOrigins    origins a browser may call the API from; empty: CORS off
 */
public record SecurityProperties(
        @DefaultValue("false") boolean enabled,
        @NotNull @DefaultValue List<@Valid Key> apiKeys,
        @DefaultValue("false") boolean metricsPublic,
        @NotNull @DefaultValue List<String> corsOrigins) {

    /**
     * @param name   who holds it
     * @param sha256 {@code printf %s "$KEY" | sha256sum}
     * @param roles  inference, management, metrics
     */
    public record Key(
            @NotBlank String name,

            @NotNull @Pattern(regexp = "[0-9a-fA-F]{64}", message = "64 hex digits (SHA-256)")
            String sha256,

            @NotEmpty Set<Role> roles) {}

    @AssertTrue(message = "resnet.security.enabled needs at least one key in resnet.security.api-keys")
    public boolean isKeyedWhenEnabled() {
        return !enabled || (apiKeys != null && !apiKeys.isEmpty());
    }
}
