package dev.resnetserve.api;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.inference.ModelSettings;
import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.inference.TrafficSplit;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Model management: register a model or a new version (loaded and warmed up in the background, switched to
 * atomically when ready), remove a version, choose the default version, split traffic across versions (a canary),
 * scale workers. A separate path set from
 * inference, so that it can be protected on its own (resnet.management.*).
 */
@Tag(name = "Model management")
@RestController
@RequestMapping("/v1/models")
class ModelManagementController {

    private final ModelRegistry registry;
    private final ManagementPolicy policy;

    ModelManagementController(ModelRegistry registry, ManagementPolicy policy) {
        this.registry = registry;
        this.policy = policy;
    }

    /** The new default version. */
    record DefaultVersion(@NotBlank String version) {}

    /** Predictor threads per device. */
    record Workers(@Min(1) @Max(ModelSettings.MAX_WORKERS) int workers) {}

    @Operation(summary = "Serve a new model or version; 202 while it loads (GET its URL for the state)")
    @PostMapping
    ResponseEntity<ModelResponse> register(@Valid @RequestBody ModelRegistration request) {
        checkEnabled();
        String location = resolve(request.location());
        String labels = request.labels() == null ? null : resolve(request.labels());
        ModelSettings settings;
        try {
            settings = request.withLabels(labels).settings();
        } catch (IllegalArgumentException outOfBounds) {
            throw new ServiceException(ErrorCode.INVALID_REQUEST, outOfBounds.getMessage());
        }
        ServedModel model = registry.register(
                settings.spec(request.name(), location),
                settings.scheduling(),
                !Boolean.FALSE.equals(request.makeDefault()));
        return ResponseEntity.accepted()
                .location(URI.create("/v1/models/" + model.name() + "/versions/" + settings.version()))
                .body(ModelResponse.of(model, registry));
    }

    @Operation(summary = "Stop serving a model, every version; queued requests are still answered")
    @DeleteMapping("/{model}")
    ResponseEntity<List<ModelResponse>> remove(@PathVariable String model) {
        checkEnabled();
        return removed(registry.remove(model, null));
    }

    @Operation(summary = "Stop serving one version (not the default one)")
    @DeleteMapping("/{model}/versions/{version}")
    ResponseEntity<List<ModelResponse>> removeVersion(@PathVariable String model, @PathVariable String version) {
        checkEnabled();
        return removed(registry.remove(model, version));
    }

    @Operation(summary = "Make a ready version the default")
    @PutMapping("/{model}/default")
    ModelResponse makeDefault(@PathVariable String model, @Valid @RequestBody DefaultVersion request) {
        checkEnabled();
        registry.makeDefault(model, request.version());
        return ModelResponse.of(registry.require(model), registry);
    }

    @Operation(
            summary = "Split the requests that name no version across versions by weight, e.g. {\"1\": 90, \"2\": 10};"
                    + " {} returns them to the default version")
    @PutMapping("/{model}/traffic")
    TrafficResponse splitTraffic(@PathVariable String model, @RequestBody Map<String, Object> weights) {
        checkEnabled();
        registry.splitTraffic(model, weights(weights));
        return TrafficResponse.of(model, registry);
    }

    @Operation(summary = "Route the requests that name no version to the default version again")
    @DeleteMapping("/{model}/traffic")
    TrafficResponse defaultTraffic(@PathVariable String model) {
        checkEnabled();
        registry.splitTraffic(model, Map.of());
        return TrafficResponse.of(model, registry);
    }

    /** The body's weights as integers; anything else (fractions, strings, null, beyond an int) is a 400. */
    private static Map<String, Integer> weights(Map<String, Object> body) {
        Map<String, Integer> weights = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : body.entrySet()) {
            if (!(entry.getValue() instanceof Integer weight)) {
                throw new ServiceException(
                        ErrorCode.INVALID_REQUEST,
                        "the weight of version '" + entry.getKey() + "' must be an integer from 0 to "
                                + TrafficSplit.MAX_WEIGHT + ", got " + entry.getValue());
            }
            weights.put(entry.getKey(), weight);
        }
        return weights;
    }

    @Operation(summary = "Scale the default version's predictor threads per device")
    @PutMapping("/{model}/workers")
    ModelResponse scale(@PathVariable String model, @Valid @RequestBody Workers request) {
        checkEnabled();
        return scale(registry.require(model), request);
    }

    @Operation(summary = "Scale one version's predictor threads per device")
    @PutMapping("/{model}/versions/{version}/workers")
    ModelResponse scaleVersion(
            @PathVariable String model, @PathVariable String version, @Valid @RequestBody Workers request) {
        checkEnabled();
        return scale(registry.require(model, version), request);
    }

    private ModelResponse scale(ServedModel model, Workers request) {
        model.scaleWorkers(request.workers());
        return ModelResponse.of(model, registry);
    }

    private ResponseEntity<List<ModelResponse>> removed(List<ServedModel> models) {
        return ResponseEntity.accepted()
                .body(models.stream().map(m -> ModelResponse.of(m, registry)).toList());
    }

    /**
     * The location as the server will read it: a local path as the {@code file:} URL of the real path that was
     * checked, so a link swapped in later is not followed.
     */
    private String resolve(String location) {
        return policy.resolve(location)
                .orElseThrow(() -> new ServiceException(
                        ErrorCode.LOCATION_NOT_ALLOWED,
                        "'" + location + "' is not under resnet.management.allowed-locations " + policy.locations()
                                + " (compared by real path, exact host; it must exist, and no file in a model"
                                + " directory may link outside)"));
    }

    private void checkEnabled() {
        if (!policy.enabled()) {
            throw new ServiceException(ErrorCode.NOT_FOUND, "model management is off " + "(resnet.management.enabled)");
        }
    }
}
