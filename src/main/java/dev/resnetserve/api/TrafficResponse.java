package dev.resnetserve.api;

import dev.resnetserve.inference.ModelRegistry;
import java.util.Map;

/**
 * How a model's requests that name no version are routed: to {@code defaultVersion} when {@code weights} is empty,
 * else by weight across the versions named (a version not ready gives its share to the default version).
 */
record TrafficResponse(String model, String defaultVersion, Map<String, Integer> weights) {

    static TrafficResponse of(String model, ModelRegistry registry) {
        Map<String, Integer> weights = registry.traffic(model);
        return new TrafficResponse(model, registry.require(model).spec().version(), weights);
    }
}
