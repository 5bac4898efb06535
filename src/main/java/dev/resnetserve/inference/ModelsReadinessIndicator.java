package dev.resnetserve.inference;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** Readiness: UP once every model is loaded and warmed up; DOWN with each model's state (and failure) until then. */
public final class ModelsReadinessIndicator implements HealthIndicator {

    private final ModelRegistry registry;

    public ModelsReadinessIndicator(ModelRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Health health() {
        Map<String, Object> states = new LinkedHashMap<>();
        for (ServedModel model : registry.all()) {
            states.put(model.name(), model.failure().map(f -> model.state() + ": " + f)
                    .orElse(model.state().toString()));
        }
        return (registry.allReady() ? Health.up() : Health.down()).withDetails(states).build();
    }
}
