package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.resnetserve.preprocess.PreprocessingSpec;
import dev.resnetserve.serving.ExplainMethod;
import dev.resnetserve.serving.Explainer;
import dev.resnetserve.serving.Explanation;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/**
 * {@code POST /v1/models/{m}/explain} on the web layer: the real controller, body limits and error advice, the
 * {@link Explainer} standing in for a model. The body reaches it through the shared reader (raw or the part
 * {@code image}, bounded), the path's model and version and the query's target and method reach it as sent, the
 * answer is JSON or a PNG of the preprocessed input's size, and both name what they show in {@code X-Explain-*}
 * headers that stay printable ASCII whatever the label.
 */
class ExplainWebTest {

    private static final byte[] IMAGE = {(byte) 0x89, 'P', 'N', 'G', 9};

    private final Explainer explainer = mock(Explainer.class);
    private final MockMvc mvc = MockMvcBuilders.standaloneSetup(
                    new ExplainController(explainer, new RequestLimits(1024, 4)))
            .setControllerAdvice(new ProblemDetailsAdvice())
            .build();
    private final List<String> calls = new ArrayList<>();

    @BeforeEach
    void explains() throws Exception {
        when(explainer.explain(any(), any(), any(), any(), any())).thenAnswer(call -> {
            Explainer.ImageBody body = call.getArgument(2);
            byte[] image = body.read();
            calls.add(call.getArgument(0) + "/" + call.getArgument(1) + " target " + call.getArgument(3) + " method "
                    + call.getArgument(4) + " image " + image.length);
            return explanation("demo", "2", "café 100%");
        });
    }

    @Test
    void jsonNamesTheMapItsSizesAndTheClassInBodyAndHeaders() throws Exception {
        mvc.perform(post("/v1/models/demo/explain?target=3&method=occlusion")
                        .contentType(MediaType.IMAGE_PNG)
                        .content(IMAGE))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.model").value("demo"))
                .andExpect(jsonPath("$.version").value("2"))
                .andExpect(jsonPath("$.method").value("occlusion"))
                .andExpect(jsonPath("$.target.index").value(3))
                .andExpect(jsonPath("$.target.label").value("café 100%"))
                .andExpect(jsonPath("$.target.probability").value(0.75))
                .andExpect(jsonPath("$.width").value(3))
                .andExpect(jsonPath("$.height").value(2))
                .andExpect(jsonPath("$.inputWidth").value(224))
                .andExpect(jsonPath("$.inputHeight").value(224))
                .andExpect(jsonPath("$.heatmap[1][2]").value(1.0))
                .andExpect(header().string(ExplainController.MODEL, "demo"))
                .andExpect(header().string(ExplainController.VERSION, "2"))
                .andExpect(header().string(ExplainController.METHOD, "occlusion"))
                .andExpect(header().string(ExplainController.TARGET_INDEX, "3"))
                .andExpect(header().string(ExplainController.TARGET_LABEL, "caf%C3%A9 100%25"))
                .andExpect(header().string(ExplainController.TARGET_PROBABILITY, "0.75"));
        assertThat(calls).containsExactly("demo/null target 3 method occlusion image 5");
    }

    @Test
    void formatPngIsTheOverlayOfTheInputsSizeWithTheSameHeaders() throws Exception {
        for (String format : new String[] {"png", "PNG"}) {
            byte[] png = mvc.perform(post("/v1/models/demo/versions/2/explain")
                            .param("format", format)
                            .contentType(MediaType.APPLICATION_OCTET_STREAM)
                            .content(IMAGE))
                    .andExpect(status().isOk())
                    .andExpect(content().contentType(MediaType.IMAGE_PNG))
                    .andExpect(header().string(ExplainController.TARGET_INDEX, "3"))
                    .andExpect(header().string(ExplainController.METHOD, "occlusion"))
                    .andReturn()
                    .getResponse()
                    .getContentAsByteArray();
            BufferedImage overlay = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(overlay.getWidth()).isEqualTo(224);
            assertThat(overlay.getHeight()).isGreaterThanOrEqualTo(224);
        }
        for (String format : new String[] {"json", "JSON", " "}) {
            mvc.perform(post("/v1/models/demo/explain")
                            .param("format", format)
                            .contentType(MediaType.IMAGE_PNG)
                            .content(IMAGE))
                    .andExpect(status().isOk())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON));
        }
        assertThat(calls).first().isEqualTo("demo/2 target null method null image 5");
    }

    @Test
    void anUploadIsExplainedFromItsImagePart() throws Exception {
        mvc.perform(multipart("/v1/models/demo/versions/2/explain")
                        .file(new MockMultipartFile("image", "x.png", MediaType.IMAGE_PNG_VALUE, IMAGE))
                        .param("method", "grad-cam"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.model").value("demo"));
        assertThat(calls).containsExactly("demo/2 target null method grad-cam image 5");
    }

    @Test
    void anUnknownFormatIsRefusedBeforeTheModelIsAsked() throws Exception {
        mvc.perform(post("/v1/models/demo/explain?format=gif")
                        .contentType(MediaType.IMAGE_PNG)
                        .content(IMAGE))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.code").value("invalid_parameter"))
                .andExpect(jsonPath("$.detail").value("format must be json or png, got 'gif'"));
        verifyNoInteractions(explainer);
    }

    @Test
    void theBodyIsBoundedAsForClassification() throws Exception {
        mvc.perform(post("/v1/models/demo/explain")
                        .contentType(MediaType.IMAGE_PNG)
                        .content(new byte[1025]))
                .andExpect(status().isPayloadTooLarge())
                .andExpect(jsonPath("$.code").value("body_too_large"));
        mvc.perform(multipart("/v1/models/demo/explain")
                        .file(new MockMultipartFile("image", "x.png", MediaType.IMAGE_PNG_VALUE, new byte[1025])))
                .andExpect(status().isPayloadTooLarge());
        assertThat(calls).isEmpty();
    }

    @Test
    void headersArePrintableAsciiWithPercentAndEveryOtherByteEncoded() {
        assertThat(ExplainController.headerSafe("square")).isEqualTo("square");
        assertThat(ExplainController.headerSafe(" ~")).isEqualTo(" ~");
        assertThat(ExplainController.headerSafe("50%")).isEqualTo("50%25");
        assertThat(ExplainController.headerSafe("a\tb\u007Fc\u001F")).isEqualTo("a%09b%7Fc%1F");
        assertThat(ExplainController.headerSafe("\r\nSet-Cookie: x")).isEqualTo("%0D%0ASet-Cookie: x");
        assertThat(ExplainController.headerSafe("日")).isEqualTo("%E6%97%A5");
        assertThat(ExplainController.headers(explanation("m\u00e9", "v\n1", "x"))
                        .toSingleValueMap())
                .containsEntry(ExplainController.MODEL, "m%C3%A9")
                .containsEntry(ExplainController.VERSION, "v%0A1");
    }

    static Explanation explanation(String model, String version, String label) {
        return new Explanation(
                model,
                version,
                ExplainMethod.OCCLUSION,
                new Explanation.Target(3, label, 0.75),
                new double[][] {{0, 0.25, 0.5}, {0.5, 0.75, 1.0}},
                new float[3 * 224 * 224],
                PreprocessingSpec.imagenet());
    }
}
