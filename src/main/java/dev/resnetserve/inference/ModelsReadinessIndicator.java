package dev.resnetserve.inference;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Readiness: UP once every model's default version is loaded and warmed up; DOWN until then, with each version's
 * state (the reasons of failures are in {@code GET /v1/models}).
 */
public final class ModelsReadinessIndicator implements HealthIndicator {

    private final ModelRegistry registry;

    public ModelsReadinessIndicator(ModelRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Health health() {
        Map<String, Object> states = new LinkedHashMap<>();
        for (ServedModel model : registry.all()) {
            // states only: the health endpoint is open to probes, and a load failure can name local paths
            states.put(
                    model.name() + ":" + model.spec().version(), model.state().toString());
        }
        return (registry.allReady() ? Health.up() : Health.down())
                .withDetails(states)
                .build();
    }
}
