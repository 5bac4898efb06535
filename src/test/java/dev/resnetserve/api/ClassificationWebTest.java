package dev.resnetserve.api;

import static org.mockito.AdditionalMatchers.aryEq;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.ArgumentMatchers.same;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import ai.djl.Device;
import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import dev.resnetserve.inference.ModelNotFoundException;
import dev.resnetserve.inference.ModelSettings;
import dev.resnetserve.inference.Prediction;
import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.preprocess.InvalidImageException;
import dev.resnetserve.serving.ClassificationResponse;
import dev.resnetserve.serving.Classifier;
import dev.resnetserve.serving.StageTimings;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/**
 * The {@code /v1} classification endpoints on the web layer alone (the real controller, body limits and error
 * advice; the serving core replaced): raw bodies and multipart uploads reach the {@link Classifier} with the model,
 * version and topK of the request, the answer carries its timings in {@code Server-Timing}, and refusals are
 * problem+json with their codes.
 */
class ClassificationWebTest {

    private static final byte[] IMAGE = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
    private static final ClassificationResponse ANSWER = new ClassificationResponse(
            "demo",
            "1",
            "cpu",
            List.of(new Prediction(0, "circle", 0.75), new Prediction(4, "hexagon", 0.25)),
            new StageTimings(1.5, 2, 3.25, 4, 0.001, 10.756));

    private static final ServedModel DEMO = served("demo", "1");
    private static final ServedModel R50 = served("r50", "1");
    private static final ServedModel R50_2 = served("r50", "2");

    private final Classifier classifier = mock(Classifier.class);
    private final MockMvc mvc = MockMvcBuilders.standaloneSetup(
                    new ClassificationController(classifier, new RequestLimits(1024, 4)))
            .setControllerAdvice(new ProblemDetailsAdvice())
            .build();

    @Test
    void aRawBodyIsClassifiedWithTheDefaultModelAndAnswersItsStages() throws Exception {
        when(classifier.route(isNull(), isNull())).thenReturn(DEMO);
        when(classifier.classifyWith(same(DEMO), aryEq(IMAGE), isNull())).thenReturn(ANSWER);

        mvc.perform(post("/v1/classify").contentType(MediaType.IMAGE_PNG).content(IMAGE))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.model").value("demo"))
                .andExpect(jsonPath("$.version").value("1"))
                .andExpect(jsonPath("$.device").value("cpu"))
                .andExpect(jsonPath("$.predictions[0].label").value("circle"))
                .andExpect(jsonPath("$.predictions[1].index").value(4))
                .andExpect(jsonPath("$.timings.queueMs").value(3.25))
                .andExpect(header().string(
                                "Server-Timing",
                                "decode;dur=1.500, preprocess;dur=2.000, queue;dur=3.250, inference;dur=4.000, "
                                        + "postprocess;dur=0.001, total;dur=10.756"));
    }

    @Test
    void theModelVersionAndTopKOfThePathAndQueryReachTheClassifier() throws Exception {
        when(classifier.route(eq("r50"), isNull())).thenReturn(R50);
        when(classifier.route(eq("r50"), eq("2"))).thenReturn(R50_2);
        when(classifier.classifyWith(any(), aryEq(IMAGE), any())).thenReturn(ANSWER);

        mvc.perform(post("/v1/models/r50/classify?topK=3")
                        .contentType(MediaType.APPLICATION_OCTET_STREAM)
                        .content(IMAGE))
                .andExpect(status().isOk());
        mvc.perform(post("/v1/models/r50/versions/2/classify?topK=1")
                        .contentType(MediaType.IMAGE_JPEG)
                        .content(IMAGE))
                .andExpect(status().isOk());

        verify(classifier).classifyWith(same(R50), aryEq(IMAGE), eq(3));
        verify(classifier).classifyWith(same(R50_2), aryEq(IMAGE), eq(1));
    }

    @Test
    void aMultipartUploadIsClassifiedFromItsImagePart() throws Exception {
        when(classifier.route(isNull(), isNull())).thenReturn(DEMO);
        when(classifier.route(eq("r50"), isNull())).thenReturn(R50);
        when(classifier.classifyWith(any(), aryEq(IMAGE), any())).thenReturn(ANSWER);
        MockMultipartFile image = new MockMultipartFile("image", "shape.png", MediaType.IMAGE_PNG_VALUE, IMAGE);

        mvc.perform(multipart("/v1/classify").file(image).param("topK", "2"))
                .andExpect(status().isOk())
                .andExpect(header().exists("Server-Timing"))
                .andExpect(jsonPath("$.predictions.length()").value(2));
        mvc.perform(multipart("/v1/models/r50/classify").file(image)).andExpect(status().isOk());

        verify(classifier).classifyWith(same(DEMO), aryEq(IMAGE), eq(2));
        verify(classifier).classifyWith(same(R50), aryEq(IMAGE), isNull());
    }

    @Test
    void anUploadWithoutItsImagePartIs400() throws Exception {
        MockMultipartFile other = new MockMultipartFile("file", "shape.png", MediaType.IMAGE_PNG_VALUE, IMAGE);

        mvc.perform(multipart("/v1/classify").file(other))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.code").value("missing_image_part"));
        verifyNoInteractions(classifier);
    }

    @Test
    void bodiesAreBoundedBeforeTheClassifierSeesThem() throws Exception {
        mvc.perform(post("/v1/classify").contentType(MediaType.IMAGE_PNG).content(new byte[1025]))
                .andExpect(status().is(413))
                .andExpect(jsonPath("$.code").value("body_too_large"));
        mvc.perform(post("/v1/classify").contentType(MediaType.IMAGE_PNG).content(new byte[0]))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("empty_body"));
        mvc.perform(multipart("/v1/classify")
                        .file(new MockMultipartFile("image", "big.png", MediaType.IMAGE_PNG_VALUE, new byte[1025])))
                .andExpect(status().is(413))
                .andExpect(jsonPath("$.code").value("body_too_large"));
        verifyNoInteractions(classifier);
    }

    @Test
    void theWrongMediaTypeOrAMalformedTopKIs4xxWithItsCode() throws Exception {
        mvc.perform(post("/v1/classify").contentType(MediaType.TEXT_PLAIN).content("hello"))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(jsonPath("$.code").value("unsupported_media_type"));
        mvc.perform(post("/v1/classify?topK=many")
                        .contentType(MediaType.IMAGE_PNG)
                        .content(IMAGE))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("invalid_parameter"))
                .andExpect(jsonPath("$.detail").value("the parameter 'topK' has an invalid value"));
        verifyNoInteractions(classifier);
    }

    @Test
    void theClassifiersRefusalsAreProblemsWithTheirCodes() throws Exception {
        when(classifier.route(eq("nope"), isNull())).thenThrow(new ModelNotFoundException("nope"));
        when(classifier.route(eq("demo"), isNull())).thenReturn(DEMO);
        when(classifier.classifyWith(same(DEMO), any(), eq(9)))
                .thenThrow(new ServiceException(ErrorCode.INVALID_TOP_K, "topK must be between 1 and 8, got 9"));
        when(classifier.classifyWith(same(DEMO), any(), isNull()))
                .thenThrow(new InvalidImageException("not an image this service can decode"));

        mvc.perform(post("/v1/models/nope/classify")
                        .contentType(MediaType.IMAGE_PNG)
                        .content(IMAGE))
                .andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.code").value("model_not_found"))
                .andExpect(jsonPath("$.detail").value("no model named 'nope' is served"))
                .andExpect(header().doesNotExist("Retry-After"));
        mvc.perform(post("/v1/models/demo/classify?topK=9")
                        .contentType(MediaType.IMAGE_PNG)
                        .content(IMAGE))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("invalid_top_k"));
        mvc.perform(post("/v1/models/demo/classify")
                        .contentType(MediaType.IMAGE_PNG)
                        .content(IMAGE))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("undecodable_image"))
                .andExpect(header().doesNotExist("Server-Timing"));
    }

    /** A version as the classifier's routing returns it (never loaded here: the classifier is a mock). */
    static ServedModel served(String name, String version) {
        ModelSettings settings = ModelSettings.builder().version(version).build();
        return new ServedModel(
                settings.spec(name, "/nonexistent/" + name + ".pt"), settings.scheduling(), List.of(Device.cpu()));
    }
}
