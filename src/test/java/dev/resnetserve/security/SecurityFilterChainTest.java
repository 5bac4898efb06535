package dev.resnetserve.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.options;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.security.Principal;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotatedBeanDefinitionReader;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockServletContext;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.ResultMatcher;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.support.GenericWebApplicationContext;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

/**
 * The HTTP security chain on the web layer alone: {@link ApiSecurity#filterChain} as the application builds it
 * (Spring Security's own {@code HttpSecurity}, every filter of the chain), in front of one test controller that
 * answers every path with who reached it. No model, no inference engine, no server: a Spring web context of two
 * beans per configuration. The rules are README's "Security": keys on, each endpoint group needs its role (401
 * without a key, 403 with a key lacking the role); a key that matches nothing is refused at once; keys off, model
 * management answers only the loopback operator, who must name the server as loopback.
 */
class SecurityFilterChainTest {

    private static final String CLIENT_KEY = "client-key-0123456789";
    private static final String OPERATOR_KEY = "operator-key-9876543210";
    private static final String SCRAPER_KEY = "scraper-key-5555555555";
    private static final List<ApiKey> KEYS = List.of(
            new ApiKey("client", sha256(CLIENT_KEY), Set.of(Role.INFERENCE)),
            new ApiKey("operator", sha256(OPERATOR_KEY), Set.of(Role.MANAGEMENT, Role.METRICS)),
            new ApiKey("scraper", sha256(SCRAPER_KEY), Set.of(Role.METRICS)));
    private static final ListenAddress EVERYWHERE = new ListenAddress("0.0.0.0");
    private static final ListenAddress LOOPBACK = new ListenAddress("127.0.0.1");

    private static final String UNAUTHORIZED_DETAIL =
            "send a valid API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'";
    private static final String FORBIDDEN_DETAIL = "this API key may not use this endpoint";

    /** Inference: every path that is neither open, actuator nor management. */
    private static final List<Call> INFERENCE = List.of(
            new Call("POST", "/v1/classify"),
            new Call("POST", "/v1/models/demo/classify"),
            new Call("POST", "/v1/models/demo/versions/2/explain"),
            new Call("POST", "/v2/models/demo/infer"),
            new Call("GET", "/v2/models/demo"),
            new Call("POST", "/predictions/demo"),
            new Call("GET", "/v1/models"),
            new Call("GET", "/v1/models/demo/traffic"));

    /** Management: what changes what is served, however it is spelled, and the fine-tuning jobs. */
    private static final List<Call> MANAGEMENT = List.of(
            new Call("POST", "/v1/models"),
            new Call("POST", "/v1/model%73"),
            new Call("PUT", "/v1/models/demo/workers"),
            new Call("DELETE", "/v1/models/demo"),
            new Call("PUT", "/v1/models/demo/traffic"),
            new Call("POST", "/v1/models/demo/fine-tune"),
            new Call("GET", "/v1/jobs"));

    /** A request to build afresh each time (a builder keeps the headers added to it). */
    private record Call(String method, String uri) {

        MockHttpServletRequestBuilder header(String name, String value) {
            return build().header(name, value);
        }

        MockHttpServletRequestBuilder build() {
            return request(HttpMethod.valueOf(method), URI.create(uri));
        }
    }

    private final List<GenericWebApplicationContext> contexts = new java.util.ArrayList<>();

    @AfterEach
    void close() {
        contexts.forEach(GenericWebApplicationContext::close);
    }

    // ---- API keys on ----

    @Test
    void withKeysInferenceNeedsAnInferenceKey() throws Exception {
        MockMvc mvc = keysOn(false, List.of());
        for (Call each : INFERENCE) {
            unauthorized(mvc.perform(each.build()));
            forbidden(mvc.perform(each.header("X-API-Key", OPERATOR_KEY)));
            forbidden(mvc.perform(each.header("X-API-Key", SCRAPER_KEY)));
            reached(mvc.perform(each.header("X-API-Key", CLIENT_KEY)), "client", false);
        }
    }

    @Test
    void withKeysManagementNeedsAManagementKey() throws Exception {
        MockMvc mvc = keysOn(false, List.of());
        for (Call each : MANAGEMENT) {
            unauthorized(mvc.perform(each.build()));
            forbidden(mvc.perform(each.header("X-API-Key", CLIENT_KEY)));
            forbidden(mvc.perform(each.header("X-API-Key", SCRAPER_KEY)));
            reached(mvc.perform(each.header("X-API-Key", OPERATOR_KEY)), "operator", true);
        }
    }

    @Test
    void withKeysMetricsNeedAMetricsKeyUnlessPublic() throws Exception {
        MockMvc closed = keysOn(false, List.of());
        for (String path : List.of("/actuator/prometheus", "/actuator/info")) {
            unauthorized(closed.perform(get(path)));
            forbidden(closed.perform(get(path).header("X-API-Key", CLIENT_KEY)));
            reached(closed.perform(get(path).header("X-API-Key", SCRAPER_KEY)), "scraper", false);
            reached(closed.perform(get(path).header("X-API-Key", OPERATOR_KEY)), "operator", true);
        }

        MockMvc open = keysOn(true, List.of());
        reached(open.perform(get("/actuator/prometheus")), "anonymous", false);
        unauthorized(open.perform(get("/actuator/info")));
        forbidden(open.perform(get("/actuator/info").header("X-API-Key", CLIENT_KEY)));
    }

    @Test
    void withKeysProbesThePageAndTheApiDescriptionStayOpen() throws Exception {
        MockMvc mvc = keysOn(false, List.of());
        for (String path : List.of(
                "/actuator/health",
                "/actuator/health/liveness",
                "/ping",
                "/v2/health/ready",
                "/",
                "/index.html",
                "/app.js",
                "/app.css",
                "/favicon.ico",
                "/error",
                "/swagger-ui.html",
                "/swagger-ui/index.html",
                "/v3/api-docs",
                "/v3/api-docs/swagger-config")) {
            reached(mvc.perform(get(path)), "anonymous", false);
        }
    }

    @Test
    void bearerAndXApiKeyAreBothAcceptedCaseAndSpacesAside() throws Exception {
        MockMvc mvc = keysOn(false, List.of());
        reached(mvc.perform(post("/v1/classify").header("Authorization", "Bearer " + CLIENT_KEY)), "client", false);
        reached(mvc.perform(post("/v1/classify").header("Authorization", "bearer " + CLIENT_KEY)), "client", false);
        reached(
                mvc.perform(post("/v1/classify").header("Authorization", "BEARER   " + CLIENT_KEY + " ")),
                "client",
                false);
        reached(mvc.perform(post("/v1/classify").header("X-API-Key", " " + CLIENT_KEY + " ")), "client", false);
        reached(
                mvc.perform(request(HttpMethod.PUT, "/v1/models/demo/workers")
                        .header("Authorization", "Bearer " + OPERATOR_KEY)),
                "operator",
                true);
    }

    @Test
    void theBearerKeyIsTheKeyWithoutItsScheme() throws Exception {
        MockMvc mvc = keysOn(false, List.of());
        unauthorized(mvc.perform(post("/v1/classify").header("Authorization", CLIENT_KEY)));
        unauthorized(mvc.perform(post("/v1/classify").header("Authorization", "Basic " + CLIENT_KEY)));
        unauthorized(mvc.perform(post("/v1/classify").header("Authorization", "Token " + CLIENT_KEY)));
        unauthorized(mvc.perform(post("/v1/classify").header("X-API-Key", "Bearer " + CLIENT_KEY)));
        reached(
                mvc.perform(post("/v1/classify")
                        .header("Authorization", "Basic dXNlcjpwYXNz")
                        .header("X-API-Key", CLIENT_KEY)),
                "client",
                false);
        unauthorized(mvc.perform(
                post("/v1/classify").header("Authorization", "Bearer wrong-key").header("X-API-Key", CLIENT_KEY)));
    }

    @Test
    void aKeyThatMatchesNothingIsRefusedAtOnceEvenWhereNoKeyIsNeeded() throws Exception {
        MockMvc mvc = keysOn(true, List.of());
        for (Call each : List.of(
                new Call("POST", "/v1/classify"),
                new Call("GET", "/ping"),
                new Call("GET", "/actuator/health"),
                new Call("GET", "/actuator/prometheus"),
                new Call("GET", "/"))) {
            unauthorized(mvc.perform(each.header("X-API-Key", "guess")));
            unauthorized(mvc.perform(each.header("Authorization", "Bearer guess")));
            unauthorized(mvc.perform(each.header("Authorization", "Bearer ")));
        }
        unauthorized(mvc.perform(get("/ping").header("X-API-Key", CLIENT_KEY.substring(1))));
        unauthorized(mvc.perform(get("/ping").header("X-API-Key", CLIENT_KEY + "x")));
    }

    @Test
    void refusalsAreProblemDetailsWithTheirCodes() throws Exception {
        MockMvc mvc = keysOn(false, List.of());

        mvc.perform(post("/v1/classify"))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("WWW-Authenticate", "Bearer"))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("about:blank"))
                .andExpect(jsonPath("$.title").value("Unauthorized"))
                .andExpect(jsonPath("$.status").value(401))
                .andExpect(jsonPath("$.detail").value(UNAUTHORIZED_DETAIL))
                .andExpect(jsonPath("$.code").value("unauthorized"))
                .andExpect(jsonPath("$.length()").value(5));
        mvc.perform(post("/v1/classify").header("X-API-Key", "guess"))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("WWW-Authenticate", "Bearer"))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value(UNAUTHORIZED_DETAIL))
                .andExpect(jsonPath("$.code").value("unauthorized"));
        mvc.perform(post("/v1/classify").header("X-API-Key", OPERATOR_KEY))
                .andExpect(status().isForbidden())
                .andExpect(header().doesNotExist("WWW-Authenticate"))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("about:blank"))
                .andExpect(jsonPath("$.title").value("Forbidden"))
                .andExpect(jsonPath("$.status").value(403))
                .andExpect(jsonPath("$.detail").value(FORBIDDEN_DETAIL))
                .andExpect(jsonPath("$.code").value("forbidden"))
                .andExpect(jsonPath("$.length()").value(5));
    }

    @Test
    void securityHeadersOnEveryAnswerAndNoSession() throws Exception {
        MockMvc mvc = keysOn(false, List.of());
        for (ResultActions answer : List.of(
                mvc.perform(get("/")),
                mvc.perform(post("/v1/classify")),
                mvc.perform(post("/v1/classify").header("X-API-Key", CLIENT_KEY)))) {
            answer.andExpect(header().string("Content-Security-Policy", ApiSecurity.CONTENT_SECURITY_POLICY))
                    .andExpect(header().string("X-Frame-Options", "DENY"))
                    .andExpect(header().string("X-Content-Type-Options", "nosniff"))
                    .andExpect(header().string("Referrer-Policy", "no-referrer"))
                    .andExpect(header().string("X-XSS-Protection", "0"))
                    .andExpect(header().doesNotExist("Set-Cookie"));
            assertThat(answer.andReturn().getRequest().getSession(false))
                    .as("stateless")
                    .isNull();
        }
        MockMvc keysOff = keysOff(EVERYWHERE, List.of());
        keysOff.perform(request(HttpMethod.PUT, "/v1/models/demo/workers"))
                .andExpect(status().isForbidden())
                .andExpect(header().string("X-Frame-Options", "DENY"))
                .andExpect(header().string("Content-Security-Policy", ApiSecurity.CONTENT_SECURITY_POLICY));
    }

    @Test
    void corsAnswersTheListedOriginOnly() throws Exception {
        MockMvc mvc = keysOn(false, List.of("https://app.example.com"));

        mvc.perform(options("/v1/classify")
                        .header("Origin", "https://app.example.com")
                        .header("Access-Control-Request-Method", "PUT")
                        .header("Access-Control-Request-Headers", "x-api-key, authorization, content-type"))
                .andExpect(status().isOk())
                .andExpect(header().string("Access-Control-Allow-Origin", "https://app.example.com"))
                .andExpect(header().string("Access-Control-Allow-Methods", "GET,POST,PUT,DELETE,OPTIONS"))
                .andExpect(header().string("Access-Control-Allow-Headers", "x-api-key, authorization, content-type"))
                .andExpect(header().string("Access-Control-Max-Age", "3600"));
        mvc.perform(options("/v1/classify")
                        .header("Origin", "https://evil.example.com")
                        .header("Access-Control-Request-Method", "POST"))
                .andExpect(status().isForbidden())
                .andExpect(header().doesNotExist("Access-Control-Allow-Origin"));
        mvc.perform(options("/v1/classify")
                        .header("Origin", "https://app.example.com")
                        .header("Access-Control-Request-Method", "PATCH"))
                .andExpect(status().isForbidden());
        mvc.perform(options("/v1/classify")
                        .header("Origin", "https://app.example.com")
                        .header("Access-Control-Request-Method", "POST")
                        .header("Access-Control-Request-Headers", "x-secret"))
                .andExpect(status().isForbidden());

        reached(
                        mvc.perform(post("/v1/classify")
                                .header("Origin", "https://app.example.com")
                                .header("X-API-Key", CLIENT_KEY)),
                        "client",
                        false)
                .andExpect(header().string("Access-Control-Allow-Origin", "https://app.example.com"))
                .andExpect(header().string(
                                "Access-Control-Expose-Headers",
                                "X-Request-Id, Server-Timing, Retry-After, Inference-Header-Content-Length, "
                                        + "X-Explain-Model, X-Explain-Version, X-Explain-Method, "
                                        + "X-Explain-Target-Index, X-Explain-Target-Label, "
                                        + "X-Explain-Target-Probability"));
    }

    @Test
    void withoutListedOriginsCorsIsOff() throws Exception {
        MockMvc mvc = keysOn(false, List.of());
        mvc.perform(options("/v1/classify")
                        .header("Origin", "https://app.example.com")
                        .header("Access-Control-Request-Method", "POST"))
                .andExpect(header().doesNotExist("Access-Control-Allow-Origin"));
        mvc.perform(post("/v1/classify")
                        .header("Origin", "https://app.example.com")
                        .header("X-API-Key", CLIENT_KEY))
                .andExpect(header().doesNotExist("Access-Control-Allow-Origin"));
    }

    // ---- API keys off ----

    @Test
    void withoutKeysOnEveryAddressAnyoneClassifiesAndNobodyManages() throws Exception {
        MockMvc mvc = keysOff(EVERYWHERE, List.of());
        for (Call each : INFERENCE) {
            reached(mvc.perform(each.build()), "anonymous", false);
        }
        reached(mvc.perform(get("/actuator/prometheus")), "anonymous", false);
        reached(mvc.perform(get("/ping")), "anonymous", false);
        for (Call each : MANAGEMENT) {
            managementDisabled(mvc.perform(each.build()))
                    .andExpect(jsonPath("$.detail")
                            .value("model management is closed: the server listens on 0.0.0.0 without API keys. "
                                    + "Turn on resnet.security.enabled with a key holding the MANAGEMENT role "
                                    + "(README, Security), or listen on 127.0.0.1 only"));
            managementDisabled(mvc.perform(each.header("X-API-Key", OPERATOR_KEY)));
        }
    }

    @Test
    void withoutKeysAKeyIsIgnored() throws Exception {
        MockMvc mvc = keysOff(EVERYWHERE, List.of());
        reached(mvc.perform(post("/v1/classify").header("X-API-Key", "guess")), "anonymous", false);
        reached(mvc.perform(post("/v1/classify").header("Authorization", "Bearer guess")), "anonymous", false);
    }

    @Test
    void withoutKeysOnLoopbackTheOperatorWhoNamesLoopbackMayDoEverything() throws Exception {
        MockMvc mvc = keysOff(LOOPBACK, List.of());
        for (String host : List.of("localhost", "localhost:8080", "127.0.0.1:8080", "127.0.0.2", "[::1]:8080")) {
            for (Call each : MANAGEMENT) {
                reached(mvc.perform(each.header("Host", host)), LoopbackOperatorFilter.OPERATOR, true);
            }
            reached(mvc.perform(post("/v1/classify").header("Host", host)), LoopbackOperatorFilter.OPERATOR, true);
            reached(
                    mvc.perform(get("/actuator/prometheus").header("Host", host)),
                    LoopbackOperatorFilter.OPERATOR,
                    true);
        }
    }

    @Test
    void withoutKeysOnLoopbackARequestNamingAnotherHostIsNoOperator() throws Exception {
        MockMvc mvc = keysOff(LOOPBACK, List.of());
        for (String host : List.of("evil.example.com", "evil.example.com:8080", "127.0.0.1.nip.io", "10.0.0.1")) {
            for (Call each : MANAGEMENT) {
                managementDisabled(mvc.perform(each.header("Host", host)))
                        .andExpect(jsonPath("$.detail")
                                .value("model management on this loopback-only server is for requests that name it "
                                        + "as loopback (Host: localhost, 127.x.x.x or [::1])"));
            }
            reached(mvc.perform(post("/v1/classify").header("Host", host)), "anonymous", false);
            reached(mvc.perform(get("/v1/models").header("Host", host)), "anonymous", false);
        }
    }

    @Test
    void buildingTheChainLogsWhoMayDoWhat() throws Exception {
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ApiSecurity.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try {
            keysOff(EVERYWHERE, List.of());
        } finally {
            logger.detachAppender(lines);
        }
        assertThat(lines.list)
                .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .containsExactly(new ApiSecurity(false, List.of(), false, List.of(), EVERYWHERE).openEndpoints());
    }

    // ---- the slice ----

    private MockMvc keysOn(boolean metricsPublic, List<String> corsOrigins) {
        return mvc(new ApiSecurity(true, KEYS, metricsPublic, corsOrigins, EVERYWHERE));
    }

    private MockMvc keysOff(ListenAddress listen, List<String> corsOrigins) {
        return mvc(new ApiSecurity(false, List.of(), false, corsOrigins, listen));
    }

    /** A web context with Spring Security, Spring MVC, the service's chain and the test controller; no server. */
    private MockMvc mvc(ApiSecurity security) {
        GenericWebApplicationContext context = new GenericWebApplicationContext(new MockServletContext());
        new AnnotatedBeanDefinitionReader(context).register(Slice.class, Reached.class);
        context.registerBean(ApiSecurity.class, () -> security);
        context.refresh();
        contexts.add(context);
        return MockMvcBuilders.webAppContextSetup(context)
                .addFilters(context.getBean("springSecurityFilterChain", Filter.class))
                .build();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableWebMvc
    @EnableWebSecurity
    static class Slice {

        @Bean
        SecurityFilterChain securityFilterChain(HttpSecurity http, ApiSecurity security) throws Exception {
            return security.filterChain(http);
        }
    }

    /** Answers every path with who reached it and whether they hold the management role, as ModelResponse asks. */
    @RestController
    static class Reached {

        @RequestMapping("/**")
        String reached(HttpServletRequest request) {
            Principal caller = request.getUserPrincipal();
            return "reached by " + (caller == null ? "anonymous" : caller.getName())
                    + (request.isUserInRole(Role.MANAGEMENT.name()) ? " (management)" : "");
        }
    }

    private static ResultActions reached(ResultActions answer, String who, boolean management) throws Exception {
        return answer.andExpect(status().isOk())
                .andExpect(content().string("reached by " + who + (management ? " (management)" : "")));
    }

    private static void unauthorized(ResultActions answer) throws Exception {
        problem(answer, status().isUnauthorized(), "unauthorized")
                .andExpect(header().string("WWW-Authenticate", "Bearer"));
    }

    private static void forbidden(ResultActions answer) throws Exception {
        problem(answer, status().isForbidden(), "forbidden");
    }

    private static ResultActions managementDisabled(ResultActions answer) throws Exception {
        return problem(answer, status().isForbidden(), "management_disabled")
                .andExpect(jsonPath("$.title").value("Forbidden"))
                .andExpect(jsonPath("$.status").value(403));
    }

    private static ResultActions problem(ResultActions answer, ResultMatcher status, String code) throws Exception {
        return answer.andExpect(status)
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.code").value(code));
    }

    private static String sha256(String secret) {
        return HexFormat.of().formatHex(ApiKeys.sha256(secret));
    }
}
