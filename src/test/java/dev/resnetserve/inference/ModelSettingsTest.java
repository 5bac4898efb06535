package dev.resnetserve.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resnetserve.model.ModelFormat;
import dev.resnetserve.model.WorkerThreads;
import dev.resnetserve.preprocess.PreprocessingSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One place for every per-model setting's default and bounds. */
class ModelSettingsTest {

    @Test
    void everythingLeftOutTakesItsDefault() {
        ModelSettings settings = ModelSettings.builder().cores(6).build();

        assertThat(settings.version()).isEqualTo("1");
        assertThat(settings.format()).isEmpty();
        assertThat(settings.labels()).isEmpty();
        assertThat(settings.preprocessing()).isEmpty();
        SchedulingSpec scheduling = settings.scheduling();
        assertThat(scheduling.devices()).containsExactly("cpu");
        assertThat(scheduling.workers()).as("one per core").isEqualTo(6);
        assertThat(settings.workersDerived()).isTrue();
        assertThat(scheduling.queueCapacity()).isEqualTo(64);
        assertThat(scheduling.batchMaxSize()).isEqualTo(8);
        assertThat(scheduling.batchMaxDelay()).isEqualTo(Duration.ofMillis(5));
        assertThat(scheduling.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(scheduling.cpuFallback()).isFalse();
    }

    @Test
    void givenValuesMakeTheSpecAndTheScheduling() {
        ModelSettings settings = ModelSettings.builder()
                .version("7")
                .labels("classpath:models/l.txt")
                .architecture("resnet50")
                .preprocessing(PreprocessingSpec.preset("whole-image"))
                .format(ModelFormat.ONNX)
                .devices(List.of("gpu0", "cpu"))
                .workers(3)
                .queueCapacity(10)
                .batchMaxSize(4)
                .batchMaxDelay(Duration.ZERO)
                .requestTimeout(Duration.ofSeconds(2))
                .cpuFallback(true)
                .build();

        assertThat(settings.spec("m", "file:/models/m.pt")).satisfies(spec -> {
            assertThat(spec.name()).isEqualTo("m");
            assertThat(spec.version()).isEqualTo("7");
            assertThat(spec.location()).isEqualTo("file:/models/m.pt");
            assertThat(spec.labels()).hasValue("classpath:models/l.txt");
            assertThat(spec.architecture()).hasValue("resnet50");
            assertThat(spec.format()).hasValue(ModelFormat.ONNX);
            assertThat(spec.preprocessing())
                    .hasValueSatisfying(p -> assertThat(p.width()).isEqualTo(224));
        });
        assertThat(settings.scheduling())
                .isEqualTo(new SchedulingSpec(
                        List.of("gpu0", "cpu"), 3, 10, 4, Duration.ZERO, Duration.ofSeconds(2), true, false));
    }

    @Test
    void workersLeftOutAreDerivedFromTheCoresAndTheDevices() {
        assertThat(ModelSettings.builder().cores(2).build().workers()).isEqualTo(2);
        assertThat(ModelSettings.builder().cores(64).build().workers()).isEqualTo(WorkerThreads.MAX_DEFAULT_WORKERS);
        assertThat(ModelSettings.builder()
                        .cores(16)
                        .devices(List.of("gpu0"))
                        .build()
                        .workers())
                .isEqualTo(1);
        ModelSettings set = ModelSettings.builder().cores(16).workers(3).build();
        assertThat(set.workers()).isEqualTo(3);
        assertThat(set.workersDerived()).isFalse();
    }

    @Test
    void valuesOutOfBoundsAreRefusedWithTheSettingsName() {
        assertThatThrownBy(() -> ModelSettings.builder()
                        .workers(ModelSettings.MAX_WORKERS + 1)
                        .build())
                .hasMessageStartingWith("workers");
        assertThatThrownBy(() -> ModelSettings.builder().queueCapacity(0).build())
                .hasMessageStartingWith("queueCapacity");
        assertThatThrownBy(() -> ModelSettings.builder()
                        .batchMaxSize(ModelSettings.MAX_BATCH_MAX_SIZE + 1)
                        .build())
                .hasMessageStartingWith("batchMaxSize");
        assertThatThrownBy(() -> ModelSettings.builder()
                        .batchMaxDelay(Duration.ofSeconds(11))
                        .build())
                .hasMessageStartingWith("batchMaxDelay");
        assertThatThrownBy(() ->
                        ModelSettings.builder().requestTimeout(Duration.ZERO).build())
                .hasMessageStartingWith("requestTimeout");
        assertThatThrownBy(() -> ModelSettings.builder()
                        .requestTimeout(Duration.ofMinutes(11))
                        .build())
                .hasMessageStartingWith("requestTimeout");
        assertThatThrownBy(() -> ModelSettings.builder().devices(List.of("tpu")).build())
                .hasMessageStartingWith("devices");
        assertThatThrownBy(() -> ModelSettings.builder().version(" ").build()).hasMessageStartingWith("version");
        assertThatThrownBy(() -> PreprocessingSpec.preset("imagenet21k")).isInstanceOf(IllegalArgumentException.class);
    }
}
