package dev.resnetserve.api;

import dev.resnetserve.inference.ModelRegistry;
import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/models} and {@code GET /v1/models/{model}}: what is served, and in what state. */
@RestController
@RequestMapping("/v1/models")
class ModelsController {

    private final ModelRegistry registry;

    ModelsController(ModelRegistry registry) {
        this.registry = registry;
    }

    @Operation(summary = "List the served models")
    @GetMapping
    List<ModelResponse> list() {
        return registry.all().stream()
                .map(m -> ModelResponse.of(m, m.name().equals(registry.defaultModelName()))).toList();
    }

    @Operation(summary = "Describe one model: source, format, parameters, input, preprocessing, devices, state")
    @GetMapping("/{model}")
    ModelResponse get(@PathVariable String model) {
        return ModelResponse.of(registry.require(model), model.equals(registry.defaultModelName()));
    }
}
