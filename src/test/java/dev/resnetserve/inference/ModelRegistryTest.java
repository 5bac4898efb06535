package dev.resnetserve.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.resnetserve.model.ModelLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry's version rules without the application or an engine: models whose files do not exist (they fail
 * to load, in the background, and stay registered), the default model and default versions that cannot be
 * removed, unknown names and versions, and the bounds on models and versions.
 */
class ModelRegistryTest {

    @TempDir
    Path work;

    private ModelRegistry registry;

    @BeforeEach
    void registry() {
        ModelLoader loader = ModelLoader.standalone(work);
        registry = new ModelRegistry(
                List.of(served("main", "1"), served("other", "1")),
                "main",
                loader,
                new DeviceResolver(() -> 0),
                Duration.ofSeconds(1),
                BatchObserver.NONE,
                new ModelRegistry.Limits(3, 2));
        registry.start();
    }

    @AfterEach
    void stop() {
        registry.stop();
    }

    @Test
    void theDefaultModelAndDefaultVersionsStay() {
        assertThatThrownBy(() -> registry.remove("main", null))
                .isInstanceOf(ModelConflictException.class)
                .hasMessageContaining("resnet.default-model");
        registry.register(served("other", "2").spec(), settings(), false);
        assertThatThrownBy(() -> registry.remove("other", "1"))
                .as("the default version while another exists")
                .isInstanceOf(ModelConflictException.class);

        assertThat(registry.remove("other", "2"))
                .extracting(m -> m.spec().version())
                .containsExactly("2");
        assertThat(registry.versions("other"))
                .extracting(m -> m.spec().version())
                .containsExactly("1");
        assertThat(registry.remove("other", null)).hasSize(1);
        assertThat(registry.serves("other")).isFalse();
    }

    @Test
    void unknownNamesAndVersionsAreNotFound() {
        assertThatThrownBy(() -> registry.require("nope")).isInstanceOf(ModelNotFoundException.class);
        assertThatThrownBy(() -> registry.require("main", "9")).isInstanceOf(ModelNotFoundException.class);
        assertThatThrownBy(() -> registry.remove("main", "9")).isInstanceOf(ModelNotFoundException.class);
        assertThatThrownBy(() -> registry.makeDefault("main", "9")).isInstanceOf(ModelNotFoundException.class);
    }

    @Test
    void aVersionThatIsNotReadyCannotBecomeTheDefault() {
        registry.register(served("main", "2").spec(), settings(), false);

        assertThatThrownBy(() -> registry.makeDefault("main", "2")).isInstanceOf(ModelConflictException.class);
        assertThat(registry.require("main").spec().version()).isEqualTo("1");
    }

    @Test
    void modelsAndVersionsAreBounded() {
        registry.register(served("third", "1").spec(), settings(), true);
        assertThatThrownBy(() -> registry.register(served("fourth", "1").spec(), settings(), true))
                .isInstanceOf(ModelConflictException.class)
                .hasMessageContaining("max-models");

        registry.register(served("main", "2").spec(), settings(), false);
        assertThatThrownBy(() -> registry.register(served("main", "3").spec(), settings(), false))
                .isInstanceOf(ModelConflictException.class)
                .hasMessageContaining("max-versions-per-model");
        assertThatThrownBy(() -> registry.register(served("main", "2").spec(), settings(), false))
                .as("a version twice")
                .isInstanceOf(ModelConflictException.class);
        assertThat(registry.versions("main")).hasSize(2);
    }

    private static SchedulingSpec settings() {
        return ModelSettings.builder().build().scheduling();
    }

    private ServedModel served(String name, String version) {
        ModelSettings settings = ModelSettings.builder().version(version).build();
        return new ServedModel(
                settings.spec(name, work.resolve(name + "-missing.pt").toString()),
                settings.scheduling(),
                List.of(Device.cpu()));
    }
}
