package dev.resnetserve.api;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import dev.resnetserve.finetune.FineTuneJob;
import dev.resnetserve.finetune.FineTuneJobs;
import dev.resnetserve.inference.ModelSettings;
import dev.resnetserve.model.Augmentation;
import dev.resnetserve.model.train.FineTuneMode;
import dev.resnetserve.model.train.FineTuneOptions;
import dev.resnetserve.model.train.ImageFolder;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.core.FileUploadSizeException;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Fine-tuning: {@code POST /v1/models/{base}/fine-tune} takes a data set (a zip in ImageFolder layout in the part
 * {@code dataset}, and/or parts {@code images} named {@code <label>/<file>}) and the job's fields, and answers 202
 * with the job's URL; {@code /v1/jobs} lists, shows and cancels jobs. Management endpoints: the same access rules
 * as model management. The upload is read as a stream within {@link UploadLimits}, one upload at a time.
 */
@Tag(name = "Fine-tuning")
@RestController
class FineTuneController {

    private static final Set<String> FIELDS = Set.of(
            "name", "version", "mode", "epochs", "validationSplit", "seed", "augmentation", "testViews", "inputSize");
    private static final int MAX_FIELD_BYTES = 256;

    private final FineTuneJobs jobs;
    private final ManagementPolicy policy;
    private final UploadLimits limits;
    private final Semaphore uploads = new Semaphore(1);

    FineTuneController(FineTuneJobs jobs, ManagementPolicy policy, UploadLimits limits) {
        this.jobs = jobs;
        this.policy = policy;
        this.limits = limits;
    }

    @Operation(summary = "Teach a model new classes from labelled images; 202 with the job's URL")
    @PostMapping("/v1/models/{base}/fine-tune")
    ResponseEntity<JobResponse> fineTune(@PathVariable String base, HttpServletRequest request) throws IOException {
        checkEnabled();
        if (!JakartaServletFileUpload.isMultipartContent(request)) {
            throw new ServiceException(
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "send multipart/form-data: a zip in the part 'dataset' and/or parts 'images' named <label>/<file>,"
                            + " and the field 'name'");
        }
        jobs.requireFineTunable(base);
        if (!uploads.tryAcquire()) {
            throw new ServiceException(ErrorCode.TOO_MANY_JOBS, "another data set is being uploaded");
        }
        Upload upload;
        try {
            upload = read(request);
        } finally {
            uploads.release();
        }
        Map<String, String> f = upload.fields();
        String name = f.get("name");
        if (name == null || !name.matches(ModelSettings.NAME_PATTERN)) {
            throw new ServiceException(
                    ErrorCode.INVALID_PARAMETER,
                    "the field 'name' (the new model) is required: letters, digits, '_', '.', '-'; at most 64");
        }
        String version = f.get("version");
        if (version != null && !version.matches(ModelSettings.VERSION_PATTERN)) {
            throw new ServiceException(
                    ErrorCode.INVALID_PARAMETER, "'version' is letters, digits, '_', '.', '-'; at most 32");
        }
        FineTuneOptions options;
        try {
            options = FineTuneOptions.of(
                    field(f, "mode", FineTuneMode::parse),
                    field(f, "epochs", Integer::valueOf),
                    field(f, "validationSplit", Double::valueOf),
                    field(f, "seed", Long::valueOf),
                    field(f, "augmentation", Augmentation::parse),
                    field(f, "testViews", v -> FineTuneOptions.flag("testViews", v)));
            Integer inputSize = field(f, "inputSize", Integer::valueOf);
            if (inputSize != null) {
                options = options.withInputSize(inputSize);
            }
        } catch (IllegalArgumentException invalid) {
            throw new ServiceException(ErrorCode.INVALID_PARAMETER, invalid.getMessage());
        }
        if (upload.folder().images().isEmpty()) {
            throw new ServiceException(
                    ErrorCode.INVALID_DATASET,
                    "no images: send a zip in ImageFolder layout (<label>/<file>) as the part 'dataset', or parts "
                            + "'images' named <label>/<file>");
        }
        FineTuneJob job = jobs.submit(
                base,
                name,
                Optional.ofNullable(version),
                options,
                upload.folder().images());
        return ResponseEntity.accepted()
                .location(URI.create("/v1/jobs/" + job.id()))
                .body(JobResponse.of(job));
    }

    @Operation(summary = "Fine-tuning jobs, the newest first")
    @GetMapping("/v1/jobs")
    List<JobResponse> list() {
        checkEnabled();
        return jobs.all().stream().map(JobResponse::of).toList();
    }

    @Operation(summary = "A fine-tuning job: state, progress, and what it learned")
    @GetMapping("/v1/jobs/{id}")
    JobResponse get(@PathVariable String id) {
        checkEnabled();
        return JobResponse.of(jobs.get(id)
                .orElseThrow(() -> new ServiceException(ErrorCode.NOT_FOUND, "no fine-tuning job '" + id + "'")));
    }

    @Operation(summary = "Cancel a queued or running job (a running one stops at its next batch)")
    @DeleteMapping("/v1/jobs/{id}")
    ResponseEntity<JobResponse> cancel(@PathVariable String id) {
        checkEnabled();
        return ResponseEntity.accepted().body(JobResponse.of(jobs.cancel(id)));
    }

    private record Upload(ImageFolder folder, Map<String, String> fields) {}

    private Upload read(HttpServletRequest request) throws IOException {
        ImageFolder folder = new ImageFolder(limits.dataset());
        Map<String, String> fields = new HashMap<>();
        JakartaServletFileUpload<?, ?> parser = new JakartaServletFileUpload<>();
        parser.setSizeMax(limits.dataset().maxTotalBytes() + (1 << 20));
        int parts = 0;
        try {
            FileItemInputIterator items = parser.getItemIterator(new DeadlineRequest(
                    request,
                    System.nanoTime() + limits.timeout().toNanos(),
                    "the upload did not arrive within resnet.training.upload-timeout"));
            while (items.hasNext()) {
                FileItemInput item = items.next();
                if (++parts > limits.dataset().maxImages() + FIELDS.size() + 1) {
                    throw new ServiceException(
                            ErrorCode.BODY_TOO_LARGE, "more parts than resnet.training.max-images allows");
                }
                String field = item.getFieldName() == null ? "" : item.getFieldName();
                try (InputStream in = item.getInputStream()) {
                    if (item.isFormField()) {
                        if (!FIELDS.contains(field)) {
                            throw new ServiceException(
                                    ErrorCode.INVALID_PARAMETER,
                                    "unknown field '" + field.replaceAll("\\p{Cntrl}", "?") + "'; fields: " + FIELDS);
                        }
                        byte[] value = in.readNBytes(MAX_FIELD_BYTES + 1);
                        if (value.length > MAX_FIELD_BYTES) {
                            throw new ServiceException(ErrorCode.INVALID_PARAMETER, "'" + field + "' is too long");
                        }
                        fields.put(field, new String(value, StandardCharsets.UTF_8).strip());
                    } else if (field.equals("dataset")) {
                        folder.addZip(in);
                    } else if (field.equals("images")) {
                        folder.addFile(item.getName(), in);
                    } else {
                        throw new ServiceException(
                                ErrorCode.INVALID_MULTIPART,
                                "unknown part '" + field.replaceAll("\\p{Cntrl}", "?")
                                        + "': files go in 'dataset' (a zip) or 'images'");
                    }
                }
            }
        } catch (FileUploadSizeException tooLarge) {
            throw new ServiceException(
                    ErrorCode.BODY_TOO_LARGE,
                    "the upload is larger than resnet.training.max-dataset-size allows: " + tooLarge.getMessage());
        } catch (FileUploadException malformed) {
            throw new ServiceException(
                    ErrorCode.INVALID_MULTIPART, "malformed multipart body: " + malformed.getMessage());
        }
        return new Upload(folder, fields);
    }

    private static <T> T field(Map<String, String> fields, String name, Function<String, T> parse) {
        String value = fields.get(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return parse.apply(value);
        } catch (NumberFormatException notANumber) {
            throw new IllegalArgumentException("'" + name + "' must be a number, not '" + value + "'");
        }
    }

    private void checkEnabled() {
        if (!policy.enabled()) {
            throw new ServiceException(ErrorCode.NOT_FOUND, "model management is off (resnet.management.enabled)");
        }
    }
}
