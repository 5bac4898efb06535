package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.resnetserve.inference.ModelNotFoundException;
import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.inference.Prediction;
import dev.resnetserve.inference.QueueFullException;
import dev.resnetserve.serving.ClassificationObserver;
import dev.resnetserve.serving.ClassificationResponse;
import dev.resnetserve.serving.Classifier;
import dev.resnetserve.serving.ConcurrentRequests;
import dev.resnetserve.serving.Outcome;
import dev.resnetserve.serving.StageTimings;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.context.annotation.AnnotatedBeanDefinitionReader;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockServletContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.support.GenericWebApplicationContext;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

/**
 * The service's own servlet filters in their order around the real {@code /v1} controller and error advice, in a
 * Spring MVC context without a server (the classifier and the registry stand in for a loaded model):
 * {@code X-Request-Id} taken or made and in the log context, a Content-Type that names no one media type refused
 * with 415, one request thread lent to inference per request (503 {@code server_busy} past the cap, before the body
 * is read), and every inference request counted with its model, version and outcome, refusals included.
 */
class InferenceFiltersWebTest {

    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final byte[] IMAGE = {(byte) 0xFF, (byte) 0xD8, 1};
    private static final ClassificationResponse ANSWER = new ClassificationResponse(
            "demo", "1", "cpu", List.of(new Prediction(0, "circle", 1.0)), new StageTimings(1, 1, 1, 1, 1, 5));

    private final Classifier classifier = mock(Classifier.class);
    private final ModelRegistry registry = mock(ModelRegistry.class);
    private final ConcurrentRequests concurrent = new ConcurrentRequests(1);
    private final List<String> counted = new ArrayList<>();
    private final List<String> seen = new ArrayList<>();
    private GenericWebApplicationContext context;
    private MockMvc mvc;

    @BeforeEach
    void web() {
        context = new GenericWebApplicationContext(new MockServletContext());
        new AnnotatedBeanDefinitionReader(context).register(Slice.class, Other.class, ProblemDetailsAdvice.class);
        context.registerBean(
                ClassificationController.class,
                () -> new ClassificationController(classifier, new RequestLimits(1024, 4)));
        context.refresh();
        ClassificationObserver observer = new ClassificationObserver() {
            @Override
            public void stagesMeasured(String model, String version, dev.resnetserve.serving.StageTimings timings) {}

            @Override
            public void requestFinished(String model, String version, Outcome outcome, long nanos) {
                counted.add(model + "/" + version + "/" + outcome.label());
            }

            @Override
            public void explanationFinished(String model, Outcome outcome, long nanos) {
                counted.add("explain " + model + "/" + outcome.label());
            }
        };
        // in the application's order (RequestIdFilter first, then the count around ContentTypeFilter, then the
        // request thread)
        mvc = MockMvcBuilders.webAppContextSetup(context)
                .addFilters(
                        new RequestIdFilter(),
                        new ClassificationOutcomeFilter(registry, observer),
                        new ContentTypeFilter(),
                        new RequestThreadFilter(
                                concurrent,
                                context.getBean("requestMappingHandlerMapping", HandlerMapping.class),
                                context.getBean("handlerExceptionResolver", HandlerExceptionResolver.class)))
                .build();
        when(registry.defaultModelName()).thenReturn("demo");
        when(registry.serves("demo")).thenReturn(true);
        when(classifier.route(any(), isNull())).thenReturn(ClassificationWebTest.served("demo", "1"));
        when(classifier.route(eq("nope"), isNull())).thenThrow(new ModelNotFoundException("nope"));
        when(classifier.classifyWith(any(), any(), any())).thenAnswer(call -> {
            seen.add(MDC.get(RequestIdFilter.MDC_KEY) + " in flight " + concurrent.inFlight());
            return ANSWER;
        });
    }

    @AfterEach
    void close() {
        context.close();
    }

    @Test
    void aSaneRequestIdIsEchoedAndLoggedAnyOtherIsReplaced() throws Exception {
        String longest = "a".repeat(127) + "Z";
        for (String sane : new String[] {"abc-123", "A.b_c:d-9", longest}) {
            mvc.perform(classify("/v1/classify").header("X-Request-Id", sane))
                    .andExpect(status().isOk())
                    .andExpect(header().string("X-Request-Id", sane));
        }
        assertThat(seen).contains("abc-123 in flight 1", longest + " in flight 1");
        for (String insane : new String[] {"two words", "a".repeat(129), "", "x;y", "é"}) {
            String answered = mvc.perform(classify("/v1/classify").header("X-Request-Id", insane))
                    .andExpect(status().isOk())
                    .andReturn()
                    .getResponse()
                    .getHeader("X-Request-Id");
            assertThat(answered).matches(UUID);
        }
        String made = mvc.perform(get("/other"))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getHeader("X-Request-Id");
        assertThat(made).matches(UUID);
        assertThat(MDC.get(RequestIdFilter.MDC_KEY)).isNull();
    }

    @Test
    void aContentTypeThatNamesNoOneMediaTypeIs415BeforeAnyHandler() throws Exception {
        for (String type : new String[] {"image/*", "*/*", "garbage", "/png"}) {
            mvc.perform(post("/v1/classify").header("Content-Type", type).content(IMAGE))
                    .andExpect(status().isUnsupportedMediaType())
                    .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(content()
                            .json(
                                    "{\"type\":\"about:blank\",\"title\":\"Unsupported Media Type\","
                                            + "\"status\":415,\"detail\":\"Content-Type must name one media type, such as "
                                            + "image/jpeg\",\"code\":\"unsupported_media_type\"}",
                                    true));
        }
        verifyNoInteractions(classifier);
        mvc.perform(post("/v1/classify").contentType(MediaType.IMAGE_PNG).content(IMAGE))
                .andExpect(status().isOk());
        mvc.perform(post("/v1/classify")
                        .contentType(MediaType.APPLICATION_OCTET_STREAM)
                        .content(IMAGE))
                .andExpect(status().isOk());
        // the refusals are counted too, as bad requests of the default model
        assertThat(counted)
                .containsExactly(
                        "demo/_none/bad_request",
                        "demo/_none/bad_request",
                        "demo/_none/bad_request",
                        "demo/_none/bad_request",
                        "demo/1/success",
                        "demo/1/success");
    }

    @Test
    void everyInferenceRequestIsCountedWithItsModelVersionAndOutcome() throws Exception {
        mvc.perform(classify("/v1/classify")).andExpect(status().isOk());
        mvc.perform(classify("/v1/models/demo/classify")).andExpect(status().isOk());
        mvc.perform(classify("/v1/models/nope/classify")).andExpect(status().isNotFound());
        when(classifier.classifyWith(any(), any(), any())).thenThrow(new QueueFullException(64));
        mvc.perform(classify("/v1/models/demo/classify")).andExpect(status().isServiceUnavailable());
        // not an inference path: not counted, and takes no request thread
        mvc.perform(get("/other")).andExpect(status().isOk());
        // an explanation is counted apart (no controller here: 404, a bad request)
        mvc.perform(
                post("/v1/models/demo/explain").contentType(MediaType.IMAGE_PNG).content(IMAGE));

        assertThat(counted)
                .containsExactly(
                        "demo/1/success",
                        "demo/1/success",
                        "_unknown/_none/bad_request",
                        "demo/1/rejected",
                        "explain demo/bad_request");
    }

    @Test
    void pastTheCapOfRequestThreadsAnInferenceRequestIs503AtOnce() throws Exception {
        mvc.perform(classify("/v1/classify")).andExpect(status().isOk());
        assertThat(seen).singleElement().asString().endsWith(" in flight 1");
        assertThat(concurrent.inFlight()).isZero();

        assertThat(concurrent.tryAcquireRequestThread()).isTrue();
        try {
            mvc.perform(classify("/v1/models/demo/classify"))
                    .andExpect(status().isServiceUnavailable())
                    .andExpect(header().string("Retry-After", "1"))
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.code").value("server_busy"));
            // a path no handler has is refused the same way, as problem+json
            mvc.perform(classify("/v1/models/demo/versions/1/classify/"))
                    .andExpect(status().isServiceUnavailable())
                    .andExpect(jsonPath("$.code").value("server_busy"));
            // other paths do not need a request thread lent to inference
            mvc.perform(get("/other")).andExpect(status().isOk());
        } finally {
            concurrent.releaseRequestThread();
        }
        assertThat(seen).hasSize(1);
        assertThat(counted).containsExactly("demo/1/success", "demo/_none/rejected", "demo/_none/rejected");
    }

    private static org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder classify(String path) {
        return post(path).contentType(MediaType.IMAGE_JPEG).content(IMAGE);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableWebMvc
    static class Slice {}

    /** A path that is not inference. */
    @RestController
    static class Other {

        @GetMapping("/other")
        String other() {
            return "other";
        }
    }
}
