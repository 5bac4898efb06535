package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.resnetserve.finetune.FineTuneJob;
import dev.resnetserve.finetune.FineTuneJobs;
import dev.resnetserve.finetune.JobState;
import dev.resnetserve.model.AllowedLocations;
import dev.resnetserve.model.Augmentation;
import dev.resnetserve.model.train.FineTuneMode;
import dev.resnetserve.model.train.FineTuneOptions;
import dev.resnetserve.model.train.ImageFolder;
import dev.resnetserve.model.train.LabelledImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/**
 * Fine-tuning's HTTP side on the web layer: the real controller reading a real multipart stream (as Tomcat hands it
 * over) into a real {@link ImageFolder}, with the job queue standing in for the trainer. The fields and images of an
 * upload reach the job as sent, each malformed field, part or upload is refused with its code before a job exists,
 * and the job endpoints answer 404 while management is off.
 */
class FineTuneWebTest {

    private static final String BOUNDARY = "b0undary";
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 1, 2};

    private final FineTuneJobs jobs = mock(FineTuneJobs.class);
    private final FineTuneJob job = mock(FineTuneJob.class);
    private MockMvc mvc;

    @BeforeEach
    void web() {
        mvc = mvc(true);
        when(job.id()).thenReturn("j-1");
        when(job.state()).thenReturn(JobState.QUEUED);
        when(job.base()).thenReturn("demo");
        when(job.name()).thenReturn("shapes");
        when(job.version()).thenReturn("3");
        when(job.options()).thenReturn(FineTuneOptions.of(FineTuneMode.LAST_STAGE, 5, null, null, null, null));
        when(job.submitted()).thenReturn(Instant.parse("2026-12-01T21:00:00Z"));
        when(job.progress()).thenReturn(new FineTuneJob.Progress("embedding", 2, 8, 0, 5));
        when(job.report()).thenReturn(Optional.empty());
        when(job.error()).thenReturn(Optional.empty());
        when(jobs.submit(any(), any(), any(), any(), anyList())).thenReturn(job);
        when(jobs.get("j-1")).thenReturn(Optional.of(job));
        when(jobs.all()).thenReturn(List.of(job));
        when(jobs.cancel("j-1")).thenReturn(job);
    }

    private MockMvc mvc(boolean enabled) {
        ManagementPolicy policy = new ManagementPolicy(enabled, new AllowedLocations(List.of()), 64 * 1024);
        UploadLimits limits = new UploadLimits(new ImageFolder.Limits(4, 3, 1024, 4096, 40), Duration.ofMinutes(1));
        return MockMvcBuilders.standaloneSetup(new FineTuneController(jobs, policy, limits))
                .setControllerAdvice(new ProblemDetailsAdvice())
                .build();
    }

    @Test
    void anUploadsFieldsAndImagesReachTheJobWhichIsAnswered202WithItsUrl() throws Exception {
        upload(new Multipart()
                        .field("name", " shapes ")
                        .field("version", "3")
                        .field("mode", "LAST-STAGE")
                        .field("epochs", "5")
                        .field("validationSplit", "0.25")
                        .field("seed", "7")
                        .field("augmentation", "dihedral")
                        .field("testViews", "true")
                        .field("inputSize", "256")
                        .file("images", "circle/a.png", PNG)
                        .file("images", "square/b.png", PNG))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", "/v1/jobs/j-1"))
                .andExpect(jsonPath("$.id").value("j-1"))
                .andExpect(jsonPath("$.state").value("QUEUED"))
                .andExpect(jsonPath("$.base").value("demo"))
                .andExpect(jsonPath("$.mode").value("last-stage"))
                .andExpect(jsonPath("$.submitted").value("2026-12-01T21:00:00Z"))
                .andExpect(jsonPath("$.progress.phase").value("embedding"))
                .andExpect(jsonPath("$.progress.total").value(8))
                .andExpect(jsonPath("$.progress.epochs").value(5));

        ArgumentCaptor<FineTuneOptions> options = ArgumentCaptor.forClass(FineTuneOptions.class);
        @SuppressWarnings("unchecked")
        ArgumentCaptor<List<LabelledImage>> images = ArgumentCaptor.forClass(List.class);
        verify(jobs).requireFineTunable("demo");
        verify(jobs).submit(eq("demo"), eq("shapes"), eq(Optional.of("3")), options.capture(), images.capture());
        assertThat(options.getValue().mode()).isEqualTo(FineTuneMode.LAST_STAGE);
        assertThat(options.getValue().epochs()).isEqualTo(5);
        assertThat(options.getValue().validationSplit()).isEqualTo(0.25);
        assertThat(options.getValue().seed()).isEqualTo(7L);
        assertThat(options.getValue().augmentation()).isEqualTo(Augmentation.DIHEDRAL);
        assertThat(options.getValue().testViews()).isTrue();
        assertThat(options.getValue().inputSize()).isEqualTo(256);
        assertThat(images.getValue()).extracting(LabelledImage::label).containsExactly("circle", "square");
        assertThat(images.getValue().get(0).bytes()).isEqualTo(PNG);
    }

    @Test
    void fieldsLeftOutOrEmptyTakeTheirDefaults() throws Exception {
        upload(new Multipart().field("name", "shapes").field("epochs", "").file("images", "circle/a.png", PNG))
                .andExpect(status().isAccepted());
        ArgumentCaptor<FineTuneOptions> options = ArgumentCaptor.forClass(FineTuneOptions.class);
        verify(jobs).submit(eq("demo"), eq("shapes"), eq(Optional.empty()), options.capture(), anyList());
        assertThat(options.getValue()).isEqualTo(FineTuneOptions.of(null, null, null, null, null, null));
    }

    @Test
    void eachMalformedFieldIsA400NamingIt() throws Exception {
        refused(new Multipart().file("images", "circle/a.png", PNG), 400, "invalid_parameter", "the field 'name'");
        refused(named("a/b"), 400, "invalid_parameter", "the field 'name' (the new model) is required");
        refused(named("x".repeat(65)), 400, "invalid_parameter", "the field 'name'");
        refused(
                named("shapes").field("version", "../1"),
                400,
                "invalid_parameter",
                "'version' is letters, digits, '_', '.', '-'; at most 32");
        refused(
                named("shapes").field("epochs", "many"),
                400,
                "invalid_parameter",
                "'epochs' must be a number, not " + "'many'");
        refused(named("shapes").field("seed", "1.5"), 400, "invalid_parameter", "'seed' must be a number");
        refused(named("shapes").field("validationSplit", "half"), 400, "invalid_parameter", "'validationSplit' must");
        refused(
                named("shapes").field("mode", "fast"),
                400,
                "invalid_parameter",
                "mode must be head, last-stage or all");
        refused(named("shapes").field("testViews", "yes"), 400, "invalid_parameter", "testViews must be true or false");
        refused(
                named("shapes").field("augmentation", "none").field("testViews", "true"),
                400,
                "invalid_parameter",
                "testViews needs an augmentation");
        refused(named("shapes").field("inputSize", "513"), 400, "invalid_parameter", "inputSize must be 32..512");
        refused(named("shapes").field("inputSize", "31"), 400, "invalid_parameter", "inputSize must be 32..512");
        refused(named("shapes").field("inputSize", "big"), 400, "invalid_parameter", "'inputSize' must be a number");
        refused(named("shapes").field("colour", "red"), 400, "invalid_parameter", "unknown field 'colour'; fields: ");
        refused(named("shapes").field("col\tour", "red"), 400, "invalid_parameter", "unknown field 'col?our'");
        refused(named("shapes").field("seed", "1".repeat(257)), 400, "invalid_parameter", "'seed' is too long");
        refused(
                named("shapes").file("photo", "circle/a.png", PNG),
                400,
                "invalid_multipart",
                "unknown part 'photo': files go in 'dataset' (a zip) or 'images'");
        refused(
                new Multipart().field("name", "shapes"),
                400,
                "invalid_dataset",
                "no images: send a zip in ImageFolder layout");
        verify(jobs, never()).submit(any(), any(), any(), any(), anyList());

        // 256 bytes is the longest a field may be (the name pattern refuses it after that)
        refused(
                named("shapes").field("version", "v".repeat(256)),
                400,
                "invalid_parameter",
                "'version' is letters, digits, '_', '.', '-'");
    }

    @Test
    void anUploadIsBoundedInPartsAndBytes() throws Exception {
        // the images the limits allow (4), every field (9) and one more part: 14; the 15th is refused
        Multipart fourteen = named("shapes");
        for (int i = 0; i < 12; i++) {
            fourteen.field("seed", "1");
        }
        upload(fourteen.file("images", "circle/a.png", PNG)).andExpect(status().isAccepted());
        refused(
                fourteen.field("seed", "1"),
                413,
                "body_too_large",
                "more parts than resnet.training.max-images allows");

        Multipart huge = named("shapes");
        huge.file("images", "circle/big.png", new byte[(1 << 20) + 4096]);
        refused(huge, 413, "body_too_large", "the upload is larger than resnet.training.max-dataset-size allows");
    }

    @Test
    void aBodyThatIsNoMultipartUploadIsRefused() throws Exception {
        mvc.perform(post("/v1/models/demo/fine-tune")
                        .contentType("application/zip")
                        .content(PNG))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(jsonPath("$.code").value("unsupported_media_type"))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.startsWith("send multipart/form-data")));
        mvc.perform(post("/v1/models/demo/fine-tune")
                        .contentType("multipart/form-data; boundary=" + BOUNDARY)
                        .content(("--" + BOUNDARY
                                        + "\r\nContent-Disposition: form-data; name=\"images\"; filename=\"a/b.png\""
                                        + "\r\n\r\ncut short")
                                .getBytes(StandardCharsets.UTF_8)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("invalid_multipart"))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.startsWith("malformed multipart body")));
        verify(jobs, never()).submit(any(), any(), any(), any(), anyList());
    }

    @Test
    void jobsAreListedShownAndCancelled() throws Exception {
        mvc.perform(get("/v1/jobs"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.length()").value(1))
                .andExpect(jsonPath("$[0].id").value("j-1"));
        mvc.perform(get("/v1/jobs/j-1"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("shapes"))
                .andExpect(jsonPath("$.version").value("3"));
        mvc.perform(get("/v1/jobs/nope"))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.code").value("not_found"))
                .andExpect(jsonPath("$.detail").value("no fine-tuning job 'nope'"));
        mvc.perform(delete("/v1/jobs/j-1"))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.id").value("j-1"));
        verify(jobs).cancel("j-1");
    }

    @Test
    void withManagementOffEveryJobEndpointIs404() throws Exception {
        MockMvc off = mvc(false);
        for (ResultActions answer : List.of(
                off.perform(get("/v1/jobs")),
                off.perform(get("/v1/jobs/j-1")),
                off.perform(delete("/v1/jobs/j-1")),
                off.perform(post("/v1/models/demo/fine-tune")
                        .contentType("multipart/form-data; boundary=" + BOUNDARY)
                        .content(named("shapes")
                                .file("images", "circle/a.png", PNG)
                                .bytes())))) {
            answer.andExpect(status().isNotFound())
                    .andExpect(jsonPath("$.code").value("not_found"))
                    .andExpect(jsonPath("$.detail").value("model management is off (resnet.management.enabled)"));
        }
        verifyNoInteractions(jobs);
    }

    private ResultActions upload(Multipart body) throws Exception {
        return mvc.perform(post("/v1/models/demo/fine-tune")
                .contentType("multipart/form-data; boundary=" + BOUNDARY)
                .content(body.bytes()));
    }

    private void refused(Multipart body, int status, String code, String detail) throws Exception {
        upload(body)
                .andExpect(status().is(status))
                .andExpect(jsonPath("$.code").value(code))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.startsWith(detail)));
    }

    private static Multipart named(String name) {
        return new Multipart().field("name", name);
    }

    /** A multipart/form-data body as a browser sends it. */
    private static final class Multipart {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Multipart field(String name, String value) {
            write("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value
                    + "\r\n");
            return this;
        }

        Multipart file(String name, String filename, byte[] content) {
            write("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
                    + "\"\r\nContent-Type: image/png\r\n\r\n");
            out.writeBytes(content);
            write("\r\n");
            return this;
        }

        byte[] bytes() {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(out.toByteArray());
            all.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
            return all.toByteArray();
        }

        private void write(String text) {
            out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
