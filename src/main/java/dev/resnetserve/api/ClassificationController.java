package dev.resnetserve.api;

import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.serving.ClassificationResponse;
import dev.resnetserve.serving.Classifier;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** {@code POST /v1/models/{model}/classify} and {@code POST /v1/classify}: raw image bytes or a multipart upload. */
@RestController
@RequestMapping("/v1")
class ClassificationController {

    private static final String SERVER_TIMING = "Server-Timing";

    private final Classifier classifier;
    private final RequestLimits limits;

    ClassificationController(Classifier classifier, RequestLimits limits) {
        this.classifier = classifier;
        this.limits = limits;
    }

    @Operation(summary = "Classify an image sent as the raw request body")
    @PostMapping(
            path = "/models/{model}/classify",
            consumes = {"image/*", MediaType.APPLICATION_OCTET_STREAM_VALUE})
    ResponseEntity<ClassificationResponse> classify(
            @PathVariable String model,
            @Parameter(description = "how many classes to return, 1 to the model's class count")
                    @RequestParam(required = false)
                    Integer topK,
            HttpServletRequest request)
            throws IOException {
        return classify(model, null, body(request), topK);
    }

    @Operation(summary = "Classify an image sent as multipart/form-data, in the part 'image'")
    @PostMapping(path = "/models/{model}/classify", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<ClassificationResponse> classifyUpload(
            @PathVariable String model,
            @RequestParam(required = false) Integer topK,
            @RequestPart("image") MultipartFile image)
            throws IOException {
        return classify(model, null, part(image), topK);
    }

    @Operation(summary = "Classify an image with one version of a model, sent as the raw request body")
    @PostMapping(
            path = "/models/{model}/versions/{version}/classify",
            consumes = {"image/*", MediaType.APPLICATION_OCTET_STREAM_VALUE})
    ResponseEntity<ClassificationResponse> classifyWithVersion(
            @PathVariable String model,
            @PathVariable String version,
            @RequestParam(required = false) Integer topK,
            HttpServletRequest request)
            throws IOException {
        return classify(model, version, body(request), topK);
    }

    @Operation(summary = "Classify an image with the default model, sent as the raw request body")
    @PostMapping(
            path = "/classify",
            consumes = {"image/*", MediaType.APPLICATION_OCTET_STREAM_VALUE})
    ResponseEntity<ClassificationResponse> classifyWithDefault(
            @RequestParam(required = false) Integer topK, HttpServletRequest request) throws IOException {
        return classify(null, null, body(request), topK);
    }

    @Operation(summary = "Classify an image with the default model, sent as multipart/form-data")
    @PostMapping(path = "/classify", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<ClassificationResponse> classifyUploadWithDefault(
            @RequestParam(required = false) Integer topK, @RequestPart("image") MultipartFile image)
            throws IOException {
        return classify(null, null, part(image), topK);
    }

    /** Once the body is read: the version that serves it (a traffic split's draw for none), recorded, then run. */
    private ResponseEntity<ClassificationResponse> classify(String model, String version, byte[] image, Integer topK) {
        ServedModel served = classifier.route(model, version);
        OutcomeCodes.rememberVersion(served.spec().version());
        return answer(classifier.classifyWith(served, image, topK));
    }

    private byte[] body(HttpServletRequest request) throws IOException {
        return RequestBodyReader.read(request.getInputStream(), request.getContentLengthLong(), limits);
    }

    private byte[] part(MultipartFile image) throws IOException {
        return RequestBodyReader.read(image.getInputStream(), image.getSize(), limits);
    }

    private static ResponseEntity<ClassificationResponse> answer(ClassificationResponse response) {
        return ResponseEntity.ok()
                .header(SERVER_TIMING, response.timings().serverTimingHeader())
                .body(response);
    }
}
