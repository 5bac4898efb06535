package dev.resnetserve.config;

import dev.resnetserve.security.ApiKey;
import dev.resnetserve.security.ApiSecurity;
import dev.resnetserve.security.ListenAddress;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/** The service's HTTP and gRPC security from {@code resnet.security.*} (see {@link ApiSecurity}). */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    ApiSecurity apiSecurity(ResnetProperties properties, Environment environment) {
        SecurityProperties security = properties.security();
        return new ApiSecurity(
                security.enabled(),
                security.apiKeys().stream()
                        .map(key -> new ApiKey(key.name(), key.sha256(), key.roles()))
                        .toList(),
                security.metricsPublic(),
                security.corsOrigins(),
                new ListenAddress(environment.getProperty("server.address")));
    }

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, ApiSecurity security) throws Exception {
        return security.filterChain(http);
    }
}
