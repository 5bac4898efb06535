package dev.resnetserve.api;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.resnetserve.inference.DeadlineExceededException;
import dev.resnetserve.inference.InferenceFailedException;
import dev.resnetserve.inference.ModelNotReadyException;
import dev.resnetserve.inference.QueueFullException;
import dev.resnetserve.serving.Classifier;
import dev.resnetserve.serving.ServerBusyException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/** What the HTTP layer answers when the inference side refuses: fast 503s with Retry-After, a bare 500. */
class OverloadResponsesTest {

    private final Classifier classifier = mock(Classifier.class);
    private final MockMvc mvc = MockMvcBuilders.standaloneSetup(
                    new ClassificationController(classifier, new RequestLimits(1024, 4)))
            .setControllerAdvice(new ProblemDetailsAdvice())
            .build();

    @org.junit.jupiter.api.BeforeEach
    void routes() {
        when(classifier.route(any(), any())).thenReturn(ClassificationWebTest.served("demo", "1"));
    }

    @Test
    void aFullQueueIs503WithRetryAfter() throws Exception {
        when(classifier.classifyWith(any(), any(), any())).thenThrow(new QueueFullException(64));

        mvc.perform(post("/v1/classify").contentType(MediaType.IMAGE_JPEG).content(new byte[] {1}))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "1"))
                .andExpect(jsonPath("$.code").value("queue_full"));
    }

    @Test
    void aPredictedMissedDeadlineIsDeadlineExceededAtOnce() throws Exception {
        when(classifier.classifyWith(any(), any(), any()))
                .thenThrow(DeadlineExceededException.predicted(12, Duration.ofMillis(180), Duration.ofMillis(150)));

        mvc.perform(post("/v1/classify").contentType(MediaType.IMAGE_JPEG).content(new byte[] {1}))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "1"))
                .andExpect(jsonPath("$.code").value("deadline_exceeded"))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("about 180 ms")));
    }

    @Test
    void everyRequestThreadLentToInferenceTakenIs503WithRetryAfter() throws Exception {
        when(classifier.classifyWith(any(), any(), any())).thenThrow(new ServerBusyException(184));

        mvc.perform(post("/v1/classify").contentType(MediaType.IMAGE_JPEG).content(new byte[] {1}))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "1"))
                .andExpect(jsonPath("$.code").value("server_busy"));
    }

    @Test
    void aMissedDeadlineIs503WithRetryAfter() throws Exception {
        when(classifier.classifyWith(any(), any(), any())).thenThrow(new DeadlineExceededException());

        mvc.perform(post("/v1/classify").contentType(MediaType.IMAGE_JPEG).content(new byte[] {1}))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().exists("Retry-After"))
                .andExpect(jsonPath("$.code").value("deadline_exceeded"));
    }

    @Test
    void aModelNotReadyIs503WithRetryAfter() throws Exception {
        when(classifier.classifyWith(any(), any(), any()))
                .thenThrow(new ModelNotReadyException("model 'x' is loading"));

        mvc.perform(post("/v1/classify").contentType(MediaType.IMAGE_JPEG).content(new byte[] {1}))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "5"))
                .andExpect(jsonPath("$.code").value("model_not_ready"));
    }

    @Test
    void anEngineFailureIs500WithoutInternals() throws Exception {
        when(classifier.classifyWith(any(), any(), any()))
                .thenThrow(new InferenceFailedException(new IllegalStateException("/opt/secret/libtorch.so")));

        mvc.perform(post("/v1/classify").contentType(MediaType.IMAGE_JPEG).content(new byte[] {1}))
                .andExpect(status().isInternalServerError())
                .andExpect(jsonPath("$.code").value("inference_failed"))
                .andExpect(jsonPath("$.detail")
                        .value(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("secret"))));
    }
}
