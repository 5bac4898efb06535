package dev.resnetserve.api;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import dev.resnetserve.serving.Explainer;
import dev.resnetserve.serving.Explanation;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
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
 * limits. Both answers name what they show in headers ({@link #METHOD} ...), so that a PNG needs no second request
 * to say which method and class it is.
 */
@RestController
@RequestMapping("/v1")
class ExplainController {

    static final String MODEL = "X-Explain-Model";
    static final String VERSION = "X-Explain-Version";
    static final String METHOD = "X-Explain-Method";
    static final String TARGET_INDEX = "X-Explain-Target-Index";
    /** The label, UTF-8, with {@code %} and every byte outside printable ASCII percent-encoded. */
    static final String TARGET_LABEL = "X-Explain-Target-Label";

    static final String TARGET_PROBABILITY = "X-Explain-Target-Probability";

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
            @Parameter(
                            description = "grad-cam, hires-cam, integrated-gradients or occlusion; default: the best"
                                    + " the model allows: a CAM (hires-cam behind global max pooling, as the demo's;"
                                    + " grad-cam otherwise), then integrated-gradients, then occlusion")
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
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok().headers(headers(explanation));
        if (png) {
            return ok.contentType(MediaType.IMAGE_PNG).body(explanation.overlayPng());
        }
        return ok.contentType(MediaType.APPLICATION_JSON).body(ExplanationResponse.of(explanation));
    }

    /** What the answer shows: model, version, method and the class explained with its probability. */
    static HttpHeaders headers(Explanation e) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(MODEL, headerSafe(e.model()));
        headers.set(VERSION, headerSafe(e.version()));
        headers.set(METHOD, e.method().label());
        headers.set(TARGET_INDEX, Integer.toString(e.target().index()));
        headers.set(TARGET_LABEL, headerSafe(e.target().label()));
        headers.set(TARGET_PROBABILITY, Double.toString(e.target().probability()));
        return headers;
    }

    /** {@code value} as printable ASCII: {@code %} and every other byte of its UTF-8 percent-encoded. */
    static String headerSafe(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 0x20 && c < 0x7F && c != '%') {
                out.append((char) c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }
}
