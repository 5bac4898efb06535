package dev.resnetserve.security;

import io.grpc.ServerInterceptor;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.header.writers.XXssProtectionHeaderWriter;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * The HTTP security of the service. Always: security headers, no sessions, no CSRF tokens (a stateless API, no
 * cookies), CORS only for listed origins. With API keys on, three groups of endpoints need their own role:
 * inference (classify, infer, predictions, model descriptions), management (changing models) and metrics; health
 * probes, the try-it page and the OpenAPI description stay open. Without keys the service is closed by default:
 * classification is open, but the endpoints that change what is served answer only on a loopback-only server
 * ({@link LoopbackOperatorFilter}).
 *
 * @param enabled        require API keys
 * @param keys           the accepted keys
 * @param metricsPublic  leave {@code /actuator/prometheus} open (a scraper inside the cluster network)
 * @param corsOrigins    origins allowed to call the API from a browser; empty: CORS off
 * @param listen         where the server listens
 */
public record ApiSecurity(
        boolean enabled, List<ApiKey> keys, boolean metricsPublic, List<String> corsOrigins, ListenAddress listen) {

    private static final Logger log = LoggerFactory.getLogger(ApiSecurity.class);

    /** A browser page may run only what this service serves; nothing may frame it. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data: blob:; "
            + "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
            + "form-action 'self'";

    public ApiSecurity {
        keys = List.copyOf(keys);
        corsOrigins = List.copyOf(corsOrigins);
        if (enabled && keys.isEmpty()) {
            throw new IllegalArgumentException(
                    "resnet.security.enabled needs at least one key in " + "resnet.security.api-keys");
        }
    }

    public SecurityFilterChain filterChain(HttpSecurity http) throws Exception {
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .frameOptions(frame -> frame.deny())
                        .referrerPolicy(
                                referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER))
                        .xssProtection(xss -> xss.headerValue(XXssProtectionHeaderWriter.HeaderValue.DISABLED)))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(ProblemResponses.unauthorized())
                        .accessDeniedHandler(ProblemResponses.forbidden()));
        if (corsOrigins.isEmpty()) {
            http.cors(cors -> cors.disable());
        } else {
            http.cors(cors -> cors.configurationSource(corsSource()));
        }
        RequestMatcher management = new ManagementEndpoints();
        log.info(openEndpoints());
        if (!enabled) {
            http.addFilterBefore(new LoopbackOperatorFilter(listen, management), AnonymousAuthenticationFilter.class);
            http.authorizeHttpRequests(rules -> rules.anyRequest().permitAll());
            return http.build();
        }
        http.addFilterBefore(
                new ApiKeyFilter(new ApiKeys(keys), ProblemResponses.unauthorized()),
                AnonymousAuthenticationFilter.class);
        http.authorizeHttpRequests(rules -> {
            rules.requestMatchers("/actuator/health", "/actuator/health/**", "/ping", "/v2/health/**")
                    .permitAll()
                    .requestMatchers(
                            "/",
                            "/index.html",
                            "/app.js",
                            "/app.css",
                            "/favicon.ico",
                            "/error",
                            "/swagger-ui.html",
                            "/swagger-ui/**",
                            "/v3/api-docs",
                            "/v3/api-docs/**")
                    .permitAll();
            if (metricsPublic) {
                rules.requestMatchers("/actuator/prometheus").permitAll();
            }
            rules.requestMatchers("/actuator/**")
                    .hasRole(Role.METRICS.name())
                    .requestMatchers(management)
                    .hasRole(Role.MANAGEMENT.name())
                    .anyRequest()
                    .hasRole(Role.INFERENCE.name());
        });
        return http.build();
    }

    /**
     * The same keys and roles on gRPC ({@link GrpcApiKeyInterceptor}); empty with keys off, where every gRPC call
     * is open (gRPC offers no model management, so the loopback rule has nothing to close).
     */
    public Optional<ServerInterceptor> grpcInterceptor() {
        return enabled ? Optional.of(new GrpcApiKeyInterceptor(new ApiKeys(keys))) : Optional.empty();
    }

    /** The start-up line that says who may do what. */
    String openEndpoints() {
        if (enabled) {
            return "Security: API keys on (" + keys.size() + " keys), listening on " + listen + ": classification "
                    + "needs an INFERENCE key, model management a MANAGEMENT key, metrics a METRICS key"
                    + (metricsPublic ? " (metrics public)" : "") + "; health probes and the page are open";
        }
        if (listen.loopbackOnly()) {
            return "Security: API keys off, listening on " + listen + " (loopback only): every endpoint, model "
                    + "management included, is open to this machine's users";
        }
        return "Security: API keys off, listening on " + listen + ": classification and metrics are open to anyone "
                + "who reaches the port; model management is CLOSED (403 management_disabled). To manage models, "
                + "turn on resnet.security.enabled with a MANAGEMENT key (README, Security)";
    }

    private UrlBasedCorsConfigurationSource corsSource() {
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOrigins(corsOrigins);
        cors.setAllowedMethods(List.of("GET", "POST", "PUT", "DELETE", "OPTIONS"));
        cors.setAllowedHeaders(List.of(
                "Content-Type",
                "Authorization",
                ApiKeyFilter.API_KEY_HEADER,
                "X-Request-Id",
                "Inference-Header-Content-Length"));
        cors.setExposedHeaders(List.of(
                "X-Request-Id",
                "Server-Timing",
                "Retry-After",
                "Inference-Header-Content-Length",
                "X-Explain-Model",
                "X-Explain-Version",
                "X-Explain-Method",
                "X-Explain-Target-Index",
                "X-Explain-Target-Label",
                "X-Explain-Target-Probability"));
        cors.setMaxAge(3600L);
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/**", cors);
        return source;
    }
}
