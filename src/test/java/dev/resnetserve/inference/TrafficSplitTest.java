package dev.resnetserve.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import dev.resnetserve.model.ModelLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The weighted choice of a canary's version, the checks of a requested split, and the registry's routing around a
 * version that is not ready, without an engine (the models' files are missing: they fail to load).
 */
class TrafficSplitTest {

    @TempDir
    Path work;

    private final ServedModel one = served("m", "1");
    private final ServedModel two = served("m", "2");
    private final ServedModel three = served("m", "3");
    private final Map<String, ServedModel> versions = Map.of("1", one, "2", two, "3", three);

    @Test
    void eachVersionTakesTheDrawsOfItsShareInTheOrderGiven() {
        TrafficSplit split = TrafficSplit.of("m", weights("1", 90, "3", 0, "2", 10), versions);

        assertThat(split.total()).isEqualTo(100);
        assertThat(split.choose(0)).isSameAs(one);
        assertThat(split.choose(89)).isSameAs(one);
        assertThat(split.choose(90)).as("a weight of 0 takes no draw").isSameAs(two);
        assertThat(split.choose(99)).isSameAs(two);
        assertThatThrownBy(() -> split.choose(100)).isInstanceOf(IllegalArgumentException.class);
        assertThat(split.weights()).containsExactly(Map.entry("1", 90), Map.entry("3", 0), Map.entry("2", 10));
    }

    @Test
    void uniformDrawsSplitByTheWeights() {
        TrafficSplit split = TrafficSplit.of("m", weights("1", 3, "2", 1), versions);
        SplittableRandom random = new SplittableRandom(22);
        Map<ServedModel, Integer> chosen = new HashMap<>();
        for (int i = 0; i < 100_000; i++) {
            chosen.merge(split.choose(random.nextInt(split.total())), 1, Integer::sum);
        }
        assertThat(chosen.getOrDefault(two, 0) / 100_000.0).isBetween(0.245, 0.255);
        assertThat(chosen).containsOnlyKeys(one, two);
    }

    @Test
    void aSplitIsRefusedWithAProblemNamingWhatIsWrong() {
        assertInvalid(weights("1", -1), "the weight of version '1' must be an integer from 0 to 1000000, got -1");
        assertInvalid(weights("1", 1_000_001), "got 1000001");
        Map<String, Integer> nullWeight = new HashMap<>();
        nullWeight.put("1", null);
        assertInvalid(nullWeight, "got null");
        assertInvalid(weights("1", 0, "2", 0), "must not all be 0");
        assertInvalid(weights("1", 50, "7", 50), "model 'm' has no version '7'");
        Map<String, Integer> many = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            many.put("v" + i, 1);
        }
        assertInvalid(many, "model 'm' has 3 versions");
    }

    @Test
    void removingAVersionLeavesTheOthersOrNoSplit() {
        TrafficSplit split = TrafficSplit.of("m", weights("1", 80, "2", 20), versions);

        TrafficSplit left = split.without(two);
        assertThat(left.weights()).containsExactly(Map.entry("1", 80));
        assertThat(left.choose(79)).isSameAs(one);
        assertThat(TrafficSplit.of("m", weights("1", 0, "2", 5), versions).without(two))
                .as("only weight 0 left: the default version again")
                .isNull();
    }

    @Test
    void theRegistryRoutesADrawnVersionThatIsNotReadyToTheDefaultVersion() throws Exception {
        ModelRegistry registry = new ModelRegistry(
                List.of(one),
                "m",
                ModelLoader.standalone(work),
                new DeviceResolver(() -> 0),
                Duration.ofSeconds(1),
                BatchObserver.NONE,
                new ModelRegistry.Limits(2, 3));
        registry.start();
        try {
            ServedModel failing = registry.register(two.spec(), two.scheduling(), false);
            assertThat(registry.traffic("m")).isEmpty();

            registry.splitTraffic("m", weights("1", 0, "2", 1));

            assertThat(registry.traffic("m")).containsExactly(Map.entry("1", 0), Map.entry("2", 1));
            for (int i = 0; i < 20; i++) {
                assertThat(registry.route("m"))
                        .as("version 2 is %s: its share goes to the default version", failing.state())
                        .isSameAs(one);
            }
            assertThat(registry.route("m", "2"))
                    .as("named, it is still served as asked")
                    .isSameAs(failing);
            assertThatThrownBy(() -> registry.splitTraffic("nope", weights("1", 1)))
                    .isInstanceOf(ModelNotFoundException.class);

            registry.remove("m", "2");
            assertThat(registry.traffic("m"))
                    .as("the removed version's weight goes with it")
                    .isEmpty();
            registry.splitTraffic("m", weights("1", 5));
            registry.splitTraffic("m", Map.of());
            assertThat(registry.traffic("m")).isEmpty();
        } finally {
            registry.stop();
        }
    }

    private void assertInvalid(Map<String, Integer> weights, String message) {
        assertThatThrownBy(() -> TrafficSplit.of("m", weights, versions))
                .isInstanceOfSatisfying(
                        ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
                .hasMessageContaining(message);
    }

    private static Map<String, Integer> weights(Object... pairs) {
        Map<String, Integer> weights = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            weights.put((String) pairs[i], (Integer) pairs[i + 1]);
        }
        return weights;
    }

    private ServedModel served(String name, String version) {
        ModelSettings settings = ModelSettings.builder().version(version).build();
        return new ServedModel(
                settings.spec(
                        name,
                        Path.of("/nonexistent", name + "-" + version + ".pt").toString()),
                settings.scheduling(),
                List.of(Device.cpu()));
    }
}
