package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.model.train.ShapeGenerator;
import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Fixtures;
import dev.resnetserve.support.Readiness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The bundled demo model under the default configuration, over HTTP, as a first-time user meets it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DemoModelTest {

    @LocalServerPort
    int port;

    @Autowired
    ModelRegistry registry;

    ApiClient client;

    @BeforeEach
    void ready() throws InterruptedException {
        client = new ApiClient(port);
        Readiness.await(registry);
    }

    @Test
    void answersCircleForAGeneratedCircle() {
        // sample 0 of any seed is a circle; seed 2026 is none of the training, validation or test seeds
        ShapeGenerator.Sample circle = new ShapeGenerator(2026).sample(0);

        ApiClient.Response response = client.post(
                "/v1/classify", "image/" + (circle.format().equals("jpg") ? "jpeg" : "png"), circle.encoded());

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("model").asString()).isEqualTo("demo");
        assertThat(response.json().get("predictions").get(0).get("label").asString())
                .isEqualTo("circle");
    }

    @Test
    void itsPreprocessingComesFromTheModelDirectory() {
        tools.jackson.databind.JsonNode demo = client.get("/v1/models/demo").json();

        assertThat(demo.get("format").asString()).isEqualTo("DJL_RESNET");
        assertThat(demo.get("parameters").asLong()).isEqualTo(308_568);
        assertThat(demo.get("preprocessing").get("mode").asString()).isEqualTo("pad");
        assertThat(demo.get("inputShape").toString())
                .isEqualTo("[3," + Fixtures.DEMO_INPUT + "," + Fixtures.DEMO_INPUT + "]");
    }

    @Test
    void recognisesShapesDrawnByAnotherProgram() throws IOException {
        Path dir = Path.of("src/test/resources/fixtures/shapes-pil");
        List<Path> images;
        try (Stream<Path> files = Files.list(dir)) {
            images = files.sorted().toList();
        }
        int correct = 0;
        for (Path image : images) {
            String expected = image.getFileName().toString().replaceAll("^\\d+-|\\.(png|jpg)$", "");
            ApiClient.Response response = client.post(
                    "/v1/models/demo/classify?topK=1", "application/octet-stream", Files.readAllBytes(image));
            assertThat(response.status()).isEqualTo(200);
            if (response.json()
                    .get("predictions")
                    .get(0)
                    .get("label")
                    .asString()
                    .equals(expected)) {
                correct++;
            }
        }
        assertThat(images).hasSize(96);
        assertThat((double) correct / images.size())
                .as("accuracy on %d Pillow-drawn shapes", images.size())
                .isGreaterThanOrEqualTo(0.90);
    }

    /**
     * The documented held-out accuracy, re-checked: 500 images freshly drawn from set 47, a seed used by none of the
     * training, validation, held-out or warm-up sets (each image an independent stream: ShapeGeneratorTest), must be
     * classified at least 95 % right overall (the bar), and at least 90 % right in each drawing style, the
     * hue-contrast fills the first demo missed included. Measured: 491 of 500 (98.2 %); per style 171/173 brightness
     * contrast, 159/159 hue contrast, 28/28 outline, 133/140 textured (docs/demo-model.md; 97.35 % on 2,000 of set
     * 44). The images are a fixed function of the seed, so the margins are a few images against numerical
     * differences between CPUs.
     */
    @Test
    void scoresFreshIndependentImagesAsDocumented() {
        ShapeGenerator fresh = new ShapeGenerator(47);
        int count = 500;
        Map<ShapeGenerator.Style, int[]> byStyle = new EnumMap<>(ShapeGenerator.Style.class); // {correct, seen}
        for (int i = 0; i < count; i++) {
            ShapeGenerator.Sample sample = fresh.sample(i);
            ApiClient.Response response =
                    client.post("/v1/models/demo/classify?topK=1", "application/octet-stream", sample.encoded());
            assertThat(response.status()).isEqualTo(200);
            String label =
                    response.json().get("predictions").get(0).get("label").asString();
            int[] tally = byStyle.computeIfAbsent(sample.style(), style -> new int[2]);
            tally[0] += label.equals(ShapeGenerator.CLASSES.get(sample.label())) ? 1 : 0;
            tally[1]++;
        }
        int correct = byStyle.values().stream().mapToInt(tally -> tally[0]).sum();
        assertThat((double) correct / count)
                .as("accuracy on %d fresh images of set 47", count)
                .isGreaterThanOrEqualTo(0.95);
        assertThat(byStyle).as("every style drawn").hasSize(ShapeGenerator.Style.values().length);
        byStyle.forEach((style, tally) -> assertThat((double) tally[0] / tally[1])
                .as("accuracy on the %d %s images", tally[1], style)
                .isGreaterThanOrEqualTo(0.90));
    }
}
