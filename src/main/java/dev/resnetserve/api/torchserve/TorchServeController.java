package dev.resnetserve.api.torchserve;

import dev.resnetserve.api.OutcomeCodes;
import dev.resnetserve.api.RequestBodyReader;
import dev.resnetserve.api.RequestLimits;
import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.inference.Prediction;
import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.inference.TopK;
import dev.resnetserve.serving.Classified;
import dev.resnetserve.serving.Classifier;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * TorchServe's inference API for image classifiers: {@code POST /predictions/{model}[/{version}]} with the image as
 * the body or as the multipart part {@code data}, answered as TorchServe's image_classifier handler does (label to
 * probability, top 5, highest first); {@code GET /ping}. Errors as {@link TorchServeErrors}.
 */
@Tag(name = "TorchServe-compatible")
@RestController
class TorchServeController {

    static final int TOP_K = 5;

    private final Classifier classifier;
    private final ModelRegistry registry;
    private final RequestLimits limits;

    TorchServeController(Classifier classifier, ModelRegistry registry, RequestLimits limits) {
        this.classifier = classifier;
        this.registry = registry;
        this.limits = limits;
    }

    @Operation(summary = "TorchServe health: Healthy (200) when every model is ready, else Unhealthy (500)")
    @GetMapping(path = "/ping", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, String>> ping() {
        boolean healthy = registry.allReady();
        return ResponseEntity.status(healthy ? 200 : 500).body(Map.of("status", healthy ? "Healthy" : "Unhealthy"));
    }

    @Operation(summary = "Classify an image sent as the multipart part 'data'")
    @PostMapping(
            path = {"/predictions/{model}", "/predictions/{model}/{version}"},
            consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Double> predictUpload(
            @PathVariable String model,
            @PathVariable(required = false) String version,
            @RequestPart("data") MultipartFile data)
            throws IOException {
        return predict(model, version, RequestBodyReader.read(data.getInputStream(), data.getSize(), limits));
    }

    @Operation(summary = "Classify an image sent as the request body")
    @PostMapping(
            path = {"/predictions/{model}", "/predictions/{model}/{version}"},
            produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Double> predictBody(
            @PathVariable String model, @PathVariable(required = false) String version, HttpServletRequest request)
            throws IOException {
        return predict(
                model,
                version,
                RequestBodyReader.read(request.getInputStream(), request.getContentLengthLong(), limits));
    }

    private Map<String, Double> predict(String name, String version, byte[] image) {
        ServedModel model = classifier.route(name, version);
        OutcomeCodes.rememberVersion(model.spec().version());
        Classified classified = classifier.classifyImages(model, List.of(image)).get(0);
        int k = Math.min(TOP_K, classified.probabilities().length);
        Map<String, Double> answer = new LinkedHashMap<>();
        for (Prediction p : TopK.ofProbabilities(classified.probabilities(), k, classifier.labels(model))) {
            answer.putIfAbsent(p.label(), p.probability());
        }
        return answer;
    }
}
