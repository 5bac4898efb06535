package dev.resnetserve.api;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import dev.resnetserve.serving.Explainer;
import dev.resnetserve.serving.Explanation;
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

/**
 * {@code POST /v1/models/{model}/explain}: a heat map of where the model looked for a class, as JSON or, with
 * {@code format=png}, drawn over the preprocessed image. The image comes as for classification, under the same
 * limits.
 */
@RestController
@RequestMapping("/v1")
class ExplainController {

    private final Explainer explainer;
    private final RequestLimits limits;

    ExplainController(Explainer explainer, RequestLimits limits) {
        this.explainer = explainer;
        this.limits = limits;
    }

    @Operation(summary = "Explain a prediction for an image sent as the raw request body")
    @PostMapping(
            path = {"/models/{model}/explain", "/models/{model}/versions/{version}/explain"},
            consumes = {"image/*", MediaType.APPLICATION_OCTET_STREAM_VALUE},
            produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.IMAGE_PNG_VALUE})
    ResponseEntity<?> explain(
            @PathVariable String model,
            @PathVariable(required = false) String version,
            @Parameter(description = "the class index to explain; default: the model's top-1 class")
                    @RequestParam(required = false)
                    Integer target,
            @Parameter(description = "grad-cam or occlusion; default: grad-cam where the model allows it")
                    @RequestParam(required = false)
                    String method,
            @Parameter(description = "json (default) or png: the heat map over the preprocessed image")
                    @RequestParam(required = false)
                    String format,
            HttpServletRequest request)
            throws IOException {
        boolean png = png(format);
        return answer(
                explainer.explain(
                        model,
                        version,
                        () -> RequestBodyReader.read(request.getInputStream(), request.getContentLengthLong(), limits),
                        target,
                        method),
                png);
    }

    @Operation(summary = "Explain a prediction for an image sent as multipart/form-data, in the part 'image'")
    @PostMapping(
            path = {"/models/{model}/explain", "/models/{model}/versions/{version}/explain"},
            consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
            produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.IMAGE_PNG_VALUE})
    ResponseEntity<?> explainUpload(
            @PathVariable String model,
            @PathVariable(required = false) String version,
            @RequestParam(required = false) Integer target,
            @RequestParam(required = false) String method,
            @RequestParam(required = false) String format,
            @RequestPart("image") MultipartFile image)
            throws IOException {
        boolean png = png(format);
        return answer(
                explainer.explain(
                        model,
                        version,
                        () -> RequestBodyReader.read(image.getInputStream(), image.getSize(), limits),
                        target,
                        method),
                png);
    }

    private static boolean png(String format) {
        if (format == null || format.isBlank() || format.equalsIgnoreCase("json")) {
            return false;
        }
        if (format.equalsIgnoreCase("png")) {
            return true;
        }
        throw new ServiceException(ErrorCode.INVALID_PARAMETER, "format must be json or png, got '" + format + "'");
    }

    private static ResponseEntity<?> answer(Explanation explanation, boolean png) {
        if (png) {
            return ResponseEntity.ok().contentType(MediaType.IMAGE_PNG).body(explanation.overlayPng());
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(ExplanationResponse.of(explanation));
    }
}
