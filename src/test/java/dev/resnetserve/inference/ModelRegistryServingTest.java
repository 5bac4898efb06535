package dev.resnetserve.inference;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.resnetserve.model.ModelLoader;
import dev.resnetserve.support.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Status;

/**
 * The registry with models that load, on the real engine and the bundled demo model, without the application: it
 * loads its models when started, a new version becomes the default once ready (only when asked, never a failed
 * one), a traffic split routes to a ready version and falls back from one that is not, a removed version drains
 * and stops, listeners hear of each version added and removed, readiness follows the default versions, and the
 * registry's stop stops every version.
 */
class ModelRegistryServingTest {

    @TempDir
    Path work;

    @Test
    void versionsLoadSwitchSplitAndDrain() throws Exception {
        ModelLoader loader = ModelLoader.standalone(work);
        ServedModel first = demo("1");
        ModelRegistry registry = new ModelRegistry(
                List.of(first),
                "demo",
                loader,
                new DeviceResolver(() -> 0),
                Duration.ofSeconds(30),
                BatchObserver.NONE);
        ModelsReadinessIndicator readiness = new ModelsReadinessIndicator(registry);
        List<String> heard = new CopyOnWriteArrayList<>();
        registry.addListener(new ModelRegistry.Listener() {
            @Override
            public void added(ServedModel model) {
                heard.add("added " + model.spec().version());
            }

            @Override
            public void removed(ServedModel model) {
                heard.add("removed " + model.spec().version());
            }
        });
        assertThat(readiness.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(readiness.health().getDetails()).containsEntry("demo:1", "LOADING");

        registry.start();
        try {
            assertThat(registry.isRunning()).isTrue();
            Await.until("version 1 ready", registry::allReady);
            assertThat(readiness.health().getStatus()).isEqualTo(Status.UP);
            assertThat(readiness.health().getDetails()).containsEntry("demo:1", "READY");
            assertThat(registry.all()).containsExactly(first);
            assertThat(registry.serves("demo")).isTrue();
            assertThat(registry.serves("other")).isFalse();
            assertThat(registry.defaultModel()).isSameAs(first);
            assertThat(registry.defaultModelName()).isEqualTo("demo");
            assertThat(registry.route("demo"))
                    .as("no split: the default version")
                    .isSameAs(first);

            ServedModel second = registry.register(demo("2").spec(), scheduling(), true);
            assertThat(heard).containsExactly("added 2");
            Await.until("version 2 the default once ready", () -> registry.require("demo") == second);
            assertThat(second.state()).isEqualTo(ModelState.READY);
            assertThat(registry.isDefaultVersion(second)).isTrue();
            assertThat(registry.isDefaultVersion(first)).isFalse();

            ServedModel third = registry.register(demo("3").spec(), scheduling(), false);
            ServedModel broken = registry.register(
                    ModelSettings.builder()
                            .version("4")
                            .build()
                            .spec("demo", work.resolve("missing.pt").toString()),
                    scheduling(),
                    true);
            // one loading thread: once version 4 has failed, version 3's load and its switch (if any) are done
            Await.until("version 4 failed", () -> broken.state() == ModelState.FAILED);
            assertThat(third.state()).isEqualTo(ModelState.READY);
            assertThat(registry.require("demo"))
                    .as("neither a version not asked to be the default nor a failed one became it")
                    .isSameAs(second);
            assertThat(registry.all()).containsExactly(first, second, third, broken);

            assertThat(registry.splitTraffic("demo", Map.of("3", 1))).isEqualTo(Map.of("3", 1));
            assertThat(registry.traffic("demo")).isEqualTo(Map.of("3", 1));
            assertThat(registry.route("demo"))
                    .as("the split's only version, ready")
                    .isSameAs(third);
            assertThat(registry.route("demo", null)).isSameAs(third);
            assertThat(registry.route("demo", "1")).isSameAs(first);
            registry.splitTraffic("demo", Map.of("4", 1));
            assertThat(registry.route("demo"))
                    .as("a failed version falls back to the default")
                    .isSameAs(second);
            assertThat(registry.splitTraffic("demo", Map.of())).isEmpty();
            assertThat(registry.traffic("demo")).isEmpty();
            assertThat(registry.route("demo")).isSameAs(second);

            assertThat(registry.remove("demo", "1")).containsExactly(first);
            assertThat(heard).containsExactly("added 2", "added 3", "added 4", "removed 1");
            Await.until("version 1 drained and stopped", () -> first.state() == ModelState.STOPPED);
            assertThat(registry.versions("demo")).containsExactly(second, third, broken);
        } finally {
            registry.stop();
        }
        assertThat(registry.isRunning()).isFalse();
        assertThat(registry.all()).extracting(ServedModel::state).containsOnly(ModelState.STOPPED, ModelState.FAILED);
        assertThat(registry.require("demo", "2").runningWorkers("cpu")).isZero();
    }

    private static SchedulingSpec scheduling() {
        return ModelSettings.builder().workers(1).batchMaxSize(1).build().scheduling();
    }

    private static ServedModel demo(String version) {
        ModelSettings settings = ModelSettings.builder()
                .version(version)
                .architecture("resnet-demo")
                .workers(1)
                .batchMaxSize(1)
                .build();
        return new ServedModel(
                settings.spec("demo", "classpath:models/demo"), settings.scheduling(), List.of(Device.cpu()));
    }
}
