package dev.resnetserve.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.model.train.ShapeGenerator;
import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Jobs;
import dev.resnetserve.support.Multipart;
import dev.resnetserve.support.Readiness;
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
 * {@code resnet.training.max-job-duration}: a real job that cannot finish within the bound (every layer, 500 epochs:
 * minutes of work) ends FAILED with an error naming the bound, leaves no model, frees its job slot and is counted.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "resnet.training.max-queued-jobs=0",
            "resnet.training.max-job-duration=1s",
            "resnet.model-repository-poll=0s"
        })
@ActiveProfiles("test")
class FineTuneDeadlineTest {

    private static final Path REPOSITORY = Jobs.temporaryDirectory("fine-tune-deadline");

    @DynamicPropertySource
    static void repository(DynamicPropertyRegistry properties) {
        properties.add("resnet.model-repository", REPOSITORY::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    ModelRegistry registry;

    @Test
    void aJobLongerThanTheBoundFailsSayingSoAndFreesItsSlot() throws Exception {
        ApiClient client = new ApiClient(port);
        Readiness.await(registry);

        ApiClient.Response submitted = fineTune(client, "overlong", Map.of("epochs", "500", "mode", "all"));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        JsonNode job = Jobs.awaitEnd(client, submitted.header("Location"));
        assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("FAILED");
        assertThat(job.get("error").asString())
                .contains("resnet.training.max-job-duration")
                .contains("PT1S");
        assertThat(registry.serves("overlong")).isFalse();
        assertThat(REPOSITORY.resolve("overlong")).doesNotExist();

        String metrics = client.get("/actuator/prometheus").body();
        assertThat(metrics).contains("training_jobs_total{outcome=\"failed\"} 1.0");

        // one job at a time and no queue: a second submission is taken only if the first released its slot
        ApiClient.Response next = fineTune(client, "next", Map.of("epochs", "500", "mode", "all"));
        assertThat(next.status()).as(next.body()).isEqualTo(202);
        assertThat(Jobs.awaitEnd(client, next.header("Location")).get("state").asString())
                .isEqualTo("FAILED");
    }

    private static ApiClient.Response fineTune(ApiClient client, String name, Map<String, String> fields) {
        ShapeGenerator generator = new ShapeGenerator(21, ShapeGenerator.NOVEL_CLASSES);
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < 4 * generator.classes().size(); i++) {
            ShapeGenerator.Sample sample = generator.squareSample(i, 160);
            files.put(generator.classes().get(sample.label()) + "/" + i + "." + sample.format(), sample.encoded());
        }
        Multipart body = new Multipart();
        body.field("name", name);
        fields.forEach(body::field);
        body.file("dataset", "dataset.zip", Multipart.zip(files));
        return client.post("/v1/models/demo/fine-tune", Multipart.CONTENT_TYPE, body.build());
    }
}
