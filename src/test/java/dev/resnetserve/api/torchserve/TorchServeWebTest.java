package dev.resnetserve.api.torchserve;

import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.ArgumentMatchers.same;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import ai.djl.Device;
import dev.resnetserve.api.RequestLimits;
import dev.resnetserve.inference.ModelNotFoundException;
import dev.resnetserve.inference.ModelNotReadyException;
import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.inference.ModelSettings;
import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.model.Labels;
import dev.resnetserve.serving.Classified;
import dev.resnetserve.serving.Classifier;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/**
 * TorchServe's inference API on the web layer: the real controller and error advice; the {@link Classifier} and the
 * registry stand in for a loaded model. The answer is TorchServe's image_classifier's (label to probability, the top
 * five, highest first), the image comes as the body or as the part {@code data}, and refusals are TorchServe's
 * {@code {"code", "type", "message"}} with the service's statuses.
 */
class TorchServeWebTest {

    private static final byte[] IMAGE = {(byte) 0xFF, (byte) 0xD8, 7, 7};
    private static final Labels SEVEN =
            new Labels(List.of("circle", "square", "triangle", "star", "hexagon", "cross", "ring"));
    private static final double[] SQUARE_FIRST = {0.05, 0.4, 0.02, 0.2, 0.15, 0.1, 0.08};
    private static final ServedModel V1 = served("1");
    private static final ServedModel V2 = served("2");

    private final Classifier classifier = mock(Classifier.class);
    private final ModelRegistry registry = mock(ModelRegistry.class);
    private final MockMvc mvc = MockMvcBuilders.standaloneSetup(
                    new TorchServeController(classifier, registry, new RequestLimits(1024, 4)))
            .setControllerAdvice(new TorchServeErrors())
            .build();

    @Test
    void pingIsHealthyOnlyWhenEveryModelIsReady() throws Exception {
        when(registry.allReady()).thenReturn(true);
        mvc.perform(get("/ping"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("Healthy"));
        when(registry.allReady()).thenReturn(false);
        mvc.perform(get("/ping"))
                .andExpect(status().isInternalServerError())
                .andExpect(jsonPath("$.status").value("Unhealthy"));
    }

    @Test
    void aBodyIsAnsweredWithTheTopFiveLabelsHighestFirst() throws Exception {
        answer(V1, SEVEN, SQUARE_FIRST);

        mvc.perform(post("/predictions/demo").contentType(MediaType.IMAGE_JPEG).content(IMAGE))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(content()
                        .string("{\"square\":0.4,\"star\":0.2,\"hexagon\":0.15,\"cross\":0.1," + "\"ring\":0.08}"));
        verify(classifier).classifyImages(same(V1), argThatHolds(IMAGE));
    }

    @Test
    void aModelWithFewerThanFiveClassesAnswersThemAllAndARepeatedLabelKeepsItsHighest() throws Exception {
        answer(V1, new Labels(List.of("cat", "dog", "cat")), new double[] {0.3, 0.2, 0.5});

        mvc.perform(post("/predictions/demo")
                        .contentType(MediaType.APPLICATION_OCTET_STREAM)
                        .content(IMAGE))
                .andExpect(status().isOk())
                .andExpect(content().string("{\"cat\":0.5,\"dog\":0.2}"));
    }

    @Test
    void theVersionInThePathAndTheMultipartPartDataReachTheClassifier() throws Exception {
        answer(V2, SEVEN, SQUARE_FIRST);

        mvc.perform(multipart("/predictions/demo/2")
                        .file(new MockMultipartFile("data", "x.jpg", MediaType.IMAGE_JPEG_VALUE, IMAGE)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.square").value(0.4));
        mvc.perform(post("/predictions/demo/2")
                        .contentType(MediaType.IMAGE_JPEG)
                        .content(IMAGE))
                .andExpect(status().isOk());
        verify(classifier, org.mockito.Mockito.times(2)).classifyImages(same(V2), argThatHolds(IMAGE));
    }

    @Test
    void refusalsAreTorchServesErrorObjectsWithTheServicesStatuses() throws Exception {
        when(classifier.route(eq("nope"), isNull())).thenThrow(new ModelNotFoundException("nope"));
        mvc.perform(post("/predictions/nope").contentType(MediaType.IMAGE_JPEG).content(IMAGE))
                .andExpect(status().isNotFound())
                .andExpect(content()
                        .json(
                                "{\"code\":404,\"type\":\"ModelNotFoundException\","
                                        + "\"message\":\"no model named 'nope' is served\"}",
                                true));

        when(classifier.route(eq("demo"), isNull())).thenReturn(V1);
        when(classifier.classifyImages(same(V1), anyList())).thenThrow(new ModelNotReadyException("loading"));
        mvc.perform(post("/predictions/demo").contentType(MediaType.IMAGE_JPEG).content(IMAGE))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "5"))
                .andExpect(jsonPath("$.type").value("ServiceUnavailableException"))
                .andExpect(jsonPath("$.code").value(503));

        mvc.perform(post("/predictions/demo").contentType(MediaType.IMAGE_JPEG).content(new byte[1025]))
                .andExpect(status().isPayloadTooLarge())
                .andExpect(jsonPath("$.type").value("BadRequestException"))
                .andExpect(jsonPath("$.message").value("the request body is larger than the limit of 1024 bytes"));
        mvc.perform(multipart("/predictions/demo")
                        .file(new MockMultipartFile("data", "x.jpg", MediaType.IMAGE_JPEG_VALUE, new byte[1025])))
                .andExpect(status().isPayloadTooLarge());
        mvc.perform(post("/predictions/demo").contentType(MediaType.IMAGE_JPEG).content(new byte[0]))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value(400))
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.startsWith("the request body is empty")));
        // Spring's own refusals (a multipart request without the part 'data') in the same shape
        mvc.perform(multipart("/predictions/demo")
                        .file(new MockMultipartFile("image", "x.jpg", MediaType.IMAGE_JPEG_VALUE, IMAGE)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value(400))
                .andExpect(jsonPath("$.type").value("BadRequestException"))
                .andExpect(jsonPath("$.message").isString());
        // only the request refused by the model itself reached it
        verify(classifier, org.mockito.Mockito.times(1)).classifyImages(same(V1), anyList());
    }

    @Test
    void anUnexpectedFailureIsA500WithoutItsDetails() throws Exception {
        when(classifier.route(eq("demo"), isNull())).thenReturn(V1);
        when(classifier.classifyImages(same(V1), anyList()))
                .thenThrow(new IllegalStateException("/opt/secret/libtorch.so"));
        mvc.perform(post("/predictions/demo").contentType(MediaType.IMAGE_JPEG).content(IMAGE))
                .andExpect(status().isInternalServerError())
                .andExpect(content()
                        .json(
                                "{\"code\":500,\"type\":\"InternalServerException\","
                                        + "\"message\":\"internal error; see the service log\"}",
                                true));
        verifyNoInteractions(registry);
    }

    private void answer(ServedModel model, Labels labels, double[] probabilities) {
        when(classifier.route(
                        eq("demo"), model == V1 ? isNull() : eq(model.spec().version())))
                .thenReturn(model);
        when(classifier.labels(same(model))).thenReturn(labels);
        when(classifier.classifyImages(same(model), anyList()))
                .thenReturn(List.of(new Classified(null, probabilities, null)));
    }

    private static List<byte[]> argThatHolds(byte[] image) {
        return org.mockito.ArgumentMatchers.argThat(
                images -> images.size() == 1 && java.util.Arrays.equals(images.get(0), image));
    }

    private static ServedModel served(String version) {
        ModelSettings settings = ModelSettings.builder().version(version).build();
        return new ServedModel(
                settings.spec("demo", "/nonexistent/demo.pt"), settings.scheduling(), List.of(Device.cpu()));
    }
}
