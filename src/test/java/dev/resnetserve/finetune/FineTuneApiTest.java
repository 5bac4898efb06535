package dev.resnetserve.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.ResnetServeApplication;
import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.inference.ModelSettings;
import dev.resnetserve.inference.ModelState;
import dev.resnetserve.inference.SchedulingSpec;
import dev.resnetserve.model.ModelDescriptor;
import dev.resnetserve.model.train.ShapeGenerator;
import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Jobs;
import dev.resnetserve.support.Multipart;
import dev.resnetserve.support.Readiness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fine-tuning through the API on the running service: a job teaches the demo model four shapes it never saw, the new
 * model is written to the repository and served, a restarted service serves it again, jobs can be cancelled, and
 * every bad upload is refused with its code before a job is queued.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "resnet.training.max-queued-jobs=0",
            "resnet.model-repository-poll=0s",
            "resnet.models.demo.batch.max-size=3" // not the default: the fine-tuned model must inherit it
        })
@ActiveProfiles("test")
class FineTuneApiTest {

    private static final Path REPOSITORY = Jobs.temporaryDirectory("fine-tune-repository");

    @DynamicPropertySource
    static void repository(DynamicPropertyRegistry properties) {
        properties.add("resnet.model-repository", REPOSITORY::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    ModelRegistry registry;

    private ApiClient client;

    @BeforeEach
    void ready() throws InterruptedException {
        client = new ApiClient(port);
        Readiness.await(registry);
    }

    @Test
    void aJobTeachesNewClassesAndTheNewModelIsServedAndSurvivesARestart() throws Exception {
        ApiClient.Response submitted = fineTune("demo", shapes(6, 11), Map.of("name", "shapes4", "epochs", "30"));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        String location = submitted.header("Location");
        assertThat(location).startsWith("/v1/jobs/");

        JsonNode job = Jobs.awaitEnd(client, location);
        assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.get("version").asString()).isEqualTo("1");
        JsonNode metrics = job.get("metrics");
        assertThat(metrics.get("classes").values().stream().map(JsonNode::asString))
                .containsExactly("arrow", "crescent", "heart", "letter-t");
        assertThat(metrics.get("perClass").propertyNames())
                .containsExactlyInAnyOrder("arrow", "crescent", "heart", "letter-t");
        assertThat(metrics.get("confusion").size()).isEqualTo(4);
        assertThat(metrics.get("images").asInt()).isEqualTo(24);
        assertThat(metrics.get("validationImages").asInt())
                .as("one of six per class held out")
                .isEqualTo(4);
        assertThat(metrics.get("trainAccuracy").asDouble()).isGreaterThan(0.5);

        Path written = REPOSITORY.resolve("shapes4/1");
        assertThat(written.resolve("synset.txt")).content().isEqualToIgnoringNewLines("arrowcrescentheartletter-t");
        assertThat(written.resolve("fine-tune.json")).exists();
        assertThat(written.resolve("serving.json")).exists();
        awaitReady("shapes4");
        assertThat(registry.require("shapes4").scheduling())
                .as("served with the base's settings")
                .isEqualTo(registry.require("demo").scheduling());
        ApiClient.Response classified = client.post(
                "/v1/models/shapes4/classify",
                "image/png",
                new ShapeGenerator(99, ShapeGenerator.NOVEL_CLASSES)
                        .squareSample(2, 160)
                        .encoded());
        assertThat(classified.status()).as(classified.body()).isEqualTo(200);
        assertThat(classified.json().get("predictions").get(0).get("label").asString())
                .isIn("arrow", "crescent", "heart", "letter-t");

        ApiClient.Response second =
                fineTune("demo", shapes(3, 12), Map.of("name", "shapes4", "epochs", "2", "inputSize", "160"));
        assertThat(second.status()).as(second.body()).isEqualTo(202);
        assertThat(second.json().get("version").asString())
                .as("the next free version")
                .isEqualTo("2");
        assertThat(Jobs.awaitEnd(client, second.header("Location")).get("state").asString())
                .isEqualTo("SUCCEEDED");
        assertThat(ModelDescriptor.readFrom(REPOSITORY.resolve("shapes4/2"))
                        .orElseThrow()
                        .inputSize())
                .as("version 2 asked for 160 px")
                .isEqualTo(160);
        assertThat(json(REPOSITORY.resolve("shapes4/2/fine-tune.json"))
                        .get("inputSize")
                        .asInt())
                .isEqualTo(160);
        assertThat(json(written.resolve("fine-tune.json")).has("inputSize"))
                .as("version 1 kept the base's size")
                .isFalse();
        assertThat(ModelDescriptor.readFrom(written).orElseThrow().inputSize()).isEqualTo(192);

        // a settings file that cannot be used: the model is still served, with the default settings
        Files.writeString(REPOSITORY.resolve("shapes4/2/serving.json"), "{\"workers\": 1" + " ".repeat(20_000) + "}");

        try (ConfigurableApplicationContext restarted = new SpringApplicationBuilder(ResnetServeApplication.class)
                .profiles("test")
                .run(
                        "--server.port=0",
                        "--resnet.model-repository=" + REPOSITORY,
                        "--resnet.model-repository-poll=0s")) {
            ModelRegistry again = restarted.getBean(ModelRegistry.class);
            Readiness.await(again);
            assertThat(again.versions("shapes4").stream().map(m -> m.spec().version()))
                    .containsExactlyInAnyOrder("1", "2");
            for (int i = 0; i < 600 && again.require("shapes4").state() != ModelState.READY; i++) {
                Thread.sleep(100);
            }
            assertThat(again.require("shapes4").labels().orElseThrow().size()).isEqualTo(4);
            SchedulingSpec first = again.versions("shapes4").stream()
                    .filter(m -> m.spec().version().equals("1"))
                    .findFirst()
                    .orElseThrow()
                    .scheduling();
            assertThat(again.require("demo").scheduling().batchMaxSize())
                    .as("this context's demo has the default batch size")
                    .isEqualTo(ModelSettings.DEFAULT_BATCH_MAX_SIZE);
            assertThat(first)
                    .as("version 1 keeps its base's settings from serving.json")
                    .isEqualTo(registry.require("demo").scheduling());
            assertThat(first.batchMaxSize()).isEqualTo(3);
            assertThat(again.versions("shapes4").stream()
                            .filter(m -> m.spec().version().equals("2"))
                            .findFirst()
                            .orElseThrow()
                            .scheduling())
                    .as("version 2's oversized serving.json refused: the defaults")
                    .isEqualTo(ModelSettings.builder().build().scheduling());
        }
    }

    @Test
    void aRunningJobCanBeCancelledAndLeavesNoModel() throws Exception {
        ApiClient.Response submitted = fineTune(
                "demo", shapes(4, 21), Map.of("name", "cancelled", "epochs", "500", "mode", "all")); // minutes of work
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        String location = submitted.header("Location");

        ApiClient.Response busy = fineTune("demo", shapes(2, 22), Map.of("name", "refused"));
        assertThat(busy.status()).as("one job at a time, no queue in this test").isEqualTo(429);
        assertThat(busy.json().get("code").asString()).isEqualTo("too_many_jobs");
        assertThat(busy.header("Retry-After")).isNotNull();

        ApiClient.Response cancel = client.delete(location);
        assertThat(cancel.status()).isEqualTo(202);
        JsonNode job = Jobs.awaitEnd(client, location);
        assertThat(job.get("state").asString()).isEqualTo("CANCELLED");
        assertThat(registry.serves("cancelled")).isFalse();
        assertThat(REPOSITORY.resolve("cancelled")).doesNotExist();
        assertThat(client.get("/v1/jobs").json().values().stream()
                        .map(j -> j.get("id").asString()))
                .contains(location.substring("/v1/jobs/".length()));
        assertThat(client.get("/v1/jobs/nope").status()).isEqualTo(404);
    }

    @Test
    void badUploadsAreRefusedWithTheirCodeBeforeAnyJob() {
        Map<String, byte[]> traversal = new LinkedHashMap<>(shapes(2, 31));
        traversal.put("../../etc/cron.d/evil.png", png());
        assertRefused(fineTune("demo", traversal, Map.of("name", "x")), 400, "invalid_dataset", "outside");

        Map<String, byte[]> lonely = new LinkedHashMap<>(shapes(2, 32));
        lonely.put("lonely/only.png", png());
        assertRefused(fineTune("demo", lonely, Map.of("name", "x")), 400, "invalid_dataset", "lonely (1)");

        Map<String, byte[]> bomb = new LinkedHashMap<>(shapes(2, 33));
        bomb.put("heart/bomb.png", new byte[64 << 20]); // 64 MiB of zeros, about 64 KiB zipped
        assertRefused(fineTune("demo", bomb, Map.of("name", "x")), 413, "body_too_large", "larger than");

        assertRefused(fineTune("demo", shapes(2, 34), Map.of()), 400, "invalid_parameter", "'name'");
        assertRefused(
                fineTune("demo", shapes(2, 34), Map.of("name", "x", "mode", "everything")),
                400,
                "invalid_parameter",
                "head, last-stage or all");
        // the cache bound counts the new model's input size: 28 training images x 8 views + 4 held out, 228 views
        // of 3x512x512 floats, are 684 MiB, over the 512 MiB default (at the demo's 192 px 96 MiB, accepted)
        assertRefused(
                fineTune(
                        "demo",
                        shapes(8, 35),
                        Map.of("name", "x", "mode", "all", "augmentation", "dihedral", "inputSize", "512")),
                413,
                "body_too_large",
                "228 image views in mode all would cache 684 MiB of activations");
        assertRefused(fineTune("nope", shapes(2, 34), Map.of("name", "x")), 404, "model_not_found", "nope");
        assertRefused(
                fineTune("parity", shapes(2, 34), Map.of("name", "x")), 400, "invalid_request", "export-torchvision");
        assertRefused(
                fineTune("demo", shapes(2, 34), Map.of("name", "demo", "version", "1")), 409, "model_conflict", "");
        assertRefused(
                client.post("/v1/models/demo/fine-tune", "application/zip", Multipart.zip(shapes(2, 34))),
                415,
                "unsupported_media_type",
                "multipart");
        assertThat(client.get("/v1/jobs").json().values().stream()
                        .map(j -> j.get("name").asString()))
                .doesNotContain("x");
    }

    @Test
    void filesThatAreNotImagesAreSkippedAndCounted() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>(shapes(3, 41));
        files.put("heart/README.txt", "not an image".getBytes());
        files.put("__MACOSX/heart/._0.png", png());
        files.put("top-level.png", png());
        ApiClient.Response submitted = fineTune("demo", files, Map.of("name", "skipping", "epochs", "1"));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        JsonNode job = Jobs.awaitEnd(client, submitted.header("Location"));
        assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.get("metrics").get("skipped").asInt()).as("the README").isEqualTo(1);
        assertThat(job.get("metrics").get("images").asInt()).isEqualTo(12);
        String metrics = client.get("/actuator/prometheus").body();
        assertThat(metrics).contains("training_jobs_total{outcome=\"succeeded\"}");
        assertThat(metrics).contains("training_job_duration_seconds_bucket");
    }

    private ApiClient.Response fineTune(String base, Map<String, byte[]> dataset, Map<String, String> fields) {
        Multipart body = new Multipart();
        fields.forEach(body::field);
        body.file("dataset", "dataset.zip", Multipart.zip(dataset));
        return client.post("/v1/models/" + base + "/fine-tune", Multipart.CONTENT_TYPE, body.build());
    }

    /** {@code perClass} small square images of each novel shape, ImageFolder layout. */
    private static Map<String, byte[]> shapes(int perClass, long seed) {
        ShapeGenerator generator = new ShapeGenerator(seed, ShapeGenerator.NOVEL_CLASSES);
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < perClass * generator.classes().size(); i++) {
            ShapeGenerator.Sample sample = generator.squareSample(i, 160);
            files.put(generator.classes().get(sample.label()) + "/" + i + "." + sample.format(), sample.encoded());
        }
        return files;
    }

    private static JsonNode json(Path file) throws java.io.IOException {
        return JsonMapper.builder().build().readTree(Files.readString(file));
    }

    private static byte[] png() {
        return new ShapeGenerator(5, List.of("heart")).squareSample(0, 64).encoded();
    }

    private static void assertRefused(ApiClient.Response response, int status, String code, String detail) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.json().get("code").asString()).isEqualTo(code);
        assertThat(response.json().get("detail").asString()).contains(detail);
    }

    private void awaitReady(String name) throws InterruptedException {
        for (int i = 0; i < 600 && registry.require(name).state() != ModelState.READY; i++) {
            Thread.sleep(100);
        }
        assertThat(registry.require(name).state()).isEqualTo(ModelState.READY);
    }
}
