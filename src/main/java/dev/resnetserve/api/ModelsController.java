package dev.resnetserve.api;

import dev.resnetserve.inference.ModelRegistry;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** What is served, version by version, and in what state. Changing it: {@link ModelManagementController}. */
@RestController
@RequestMapping("/v1/models")
class ModelsController {

    private final ModelRegistry registry;

    ModelsController(ModelRegistry registry) {
        this.registry = registry;
    }

    @Operation(summary = "List the served models, every version")
    @GetMapping
    List<ModelResponse> list(HttpServletRequest caller) {
        return registry.all().stream()
                .map(m -> ModelResponse.of(m, registry, caller))
                .toList();
    }

    @Operation(
            summary = "Describe a model's default version: source, format, parameters, input, preprocessing, "
                    + "devices, workers, state")
    @GetMapping("/{model}")
    ModelResponse get(@PathVariable String model, HttpServletRequest caller) {
        return ModelResponse.of(registry.require(model), registry, caller);
    }

    @Operation(summary = "List a model's versions")
    @GetMapping("/{model}/versions")
    List<ModelResponse> versions(@PathVariable String model, HttpServletRequest caller) {
        return registry.versions(model).stream()
                .map(m -> ModelResponse.of(m, registry, caller))
                .toList();
    }

    @Operation(summary = "How requests that name no version are routed: the default version, and the weights if split")
    @GetMapping("/{model}/traffic")
    TrafficResponse traffic(@PathVariable String model) {
        return TrafficResponse.of(model, registry);
    }

    @Operation(summary = "Describe one version of a model")
    @GetMapping("/{model}/versions/{version}")
    ModelResponse version(@PathVariable String model, @PathVariable String version, HttpServletRequest caller) {
        return ModelResponse.of(registry.require(model, version), registry, caller);
    }
}
