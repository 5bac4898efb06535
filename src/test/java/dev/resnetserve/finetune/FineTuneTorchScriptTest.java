package dev.resnetserve.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.inference.ModelState;
import dev.resnetserve.model.train.ShapeGenerator;
import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Jobs;
import dev.resnetserve.support.Multipart;
import dev.resnetserve.support.Readiness;
import dev.resnetserve.support.TorchvisionExport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Fine-tuning a TorchScript torchvision ResNet exported with the README's recipe ({@code scripts/export-torchvision.py}:
 * a ResNet-18 with random weights from a fixed seed, no download, at a 64-pixel input): a head-mode job succeeds, the
 * new model (the module plus the new classifier, composed when the repository loads it) classifies through the API.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"resnet.model-repository-poll=0s", "resnet.training.max-queued-jobs=0"})
@ActiveProfiles("test")
class FineTuneTorchScriptTest {

    private static final Path DIR = Jobs.temporaryDirectory("fine-tune-torchscript");
    private static final Path REPOSITORY = DIR.resolve("repository");
    private static final Path BACKBONE = DIR.resolve("resnet18.pt");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry properties) {
        TorchvisionExport.resnet18(BACKBONE);
        properties.add("resnet.model-repository", REPOSITORY::toString);
        properties.add("resnet.models.tv.location", () -> "file:" + BACKBONE);
        properties.add("resnet.models.tv.workers", () -> "1");
        properties.add("resnet.models.tv.preprocessing.preset", () -> "imagenet");
        properties.add("resnet.models.tv.preprocessing.resize", () -> "64");
        properties.add("resnet.models.tv.preprocessing.width", () -> "64");
        properties.add("resnet.models.tv.preprocessing.height", () -> "64");
    }

    @LocalServerPort
    int port;

    @Autowired
    ModelRegistry registry;

    @Test
    void aHeadJobFromATorchScriptResNetIsServedAndClassifies() throws Exception {
        ApiClient client = new ApiClient(port);
        Readiness.await(registry);

        ApiClient.Response refused = fineTune(client, Map.of("name", "tv-deep", "mode", "last-stage"));
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().get("detail").asString()).contains("mode head only");

        ApiClient.Response submitted = fineTune(client, Map.of("name", "tv4", "epochs", "30"));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        JsonNode job = Jobs.awaitEnd(client, submitted.header("Location"));
        assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.get("metrics").get("classes").values().stream().map(JsonNode::asString))
                .containsExactly("arrow", "crescent", "heart", "letter-t");
        assertThat(job.get("metrics").get("trainAccuracy").asDouble())
                .as("a linear head learns the training images from the random network's 512 features")
                .isGreaterThan(0.5);

        Path written = REPOSITORY.resolve("tv4/1");
        assertThat(written.resolve("backbone.pt")).hasSameBinaryContentAs(BACKBONE);
        assertThat(Files.readString(written.resolve("resnet-serve.properties"), StandardCharsets.UTF_8))
                .contains("backbone=backbone.pt")
                .contains("backbone.features=512");

        for (int i = 0; i < 600 && registry.require("tv4").state() != ModelState.READY; i++) {
            Thread.sleep(100); // a wait for the load, not a timing assertion
        }
        assertThat(registry.require("tv4").state())
                .as(registry.require("tv4").failure().orElse(""))
                .isEqualTo(ModelState.READY);
        ApiClient.Response classified = client.post(
                "/v1/models/tv4/classify",
                "image/png",
                new ShapeGenerator(99, ShapeGenerator.NOVEL_CLASSES)
                        .squareSample(2, 160)
                        .encoded());
        assertThat(classified.status()).as(classified.body()).isEqualTo(200);
        JsonNode predictions = classified.json().get("predictions");
        assertThat(predictions.size()).isEqualTo(4);
        assertThat(predictions.get(0).get("label").asString()).isIn("arrow", "crescent", "heart", "letter-t");
        double total = 0;
        for (JsonNode p : predictions) {
            total += p.get("probability").asDouble();
        }
        assertThat(total)
                .as("a softmax over the four new classes")
                .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
    }

    private static ApiClient.Response fineTune(ApiClient client, Map<String, String> fields) {
        ShapeGenerator generator = new ShapeGenerator(11, ShapeGenerator.NOVEL_CLASSES);
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < 6 * generator.classes().size(); i++) {
            ShapeGenerator.Sample sample = generator.squareSample(i, 160);
            files.put(generator.classes().get(sample.label()) + "/" + i + "." + sample.format(), sample.encoded());
        }
        Multipart body = new Multipart();
        fields.forEach(body::field);
        body.file("dataset", "dataset.zip", Multipart.zip(files));
        return client.post("/v1/models/tv/fine-tune", Multipart.CONTENT_TYPE, body.build());
    }
}
