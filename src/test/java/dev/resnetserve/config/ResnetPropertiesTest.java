package dev.resnetserve.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.inference.ModelSettings;
import dev.resnetserve.model.ModelFormat;
import dev.resnetserve.model.WorkerThreads;
import dev.resnetserve.model.resnet.ExplainReference;
import dev.resnetserve.preprocess.AlphaMode;
import dev.resnetserve.preprocess.PreprocessingSpec;
import dev.resnetserve.preprocess.ResizeMode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** Binding and validation of resnet.*: presets by name or object, defaults, and refusals at start. */
class ResnetPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ResnetProperties.class)
    @Import(PreprocessingPresetConverter.class)
    static class PropertiesOnly {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(PropertiesOnly.class)
            .withPropertyValues("resnet.default-model=ref", "resnet.models.ref.location=file:/models/r.pt");

    @Test
    void modelDefaults() {
        runner.run(context -> {
            ModelProperties ref =
                    context.getBean(ResnetProperties.class).models().get("ref");
            ModelSettings settings = ref.settings();
            assertThat(settings.version()).isEqualTo("1");
            assertThat(settings.devices()).containsExactly("cpu");
            assertThat(settings.workers())
                    .isEqualTo(WorkerThreads.defaults(Runtime.getRuntime().availableProcessors(), false)
                            .workers());
            assertThat(settings.format()).isEmpty();
            assertThat(settings.queueCapacity()).isEqualTo(64);
            assertThat(settings.batchMaxSize()).isEqualTo(8);
            assertThat(settings.batchMaxDelay()).isEqualTo(Duration.ofMillis(5));
            assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(settings.cpuFallback()).isFalse();
            assertThat(settings.preprocessing())
                    .as("left to the model directory, else imagenet")
                    .isEmpty();
        });
    }

    @Test
    void presetByNameOrOverridden() {
        runner.withPropertyValues("resnet.models.ref.preprocessing=whole-image")
                .run(context -> assertThat(context.getBean(ResnetProperties.class)
                                .models()
                                .get("ref")
                                .preprocessing()
                                .toSpec()
                                .mode())
                        .isEqualTo(ResizeMode.PAD));
        runner.withPropertyValues(
                        "resnet.models.ref.preprocessing.preset=imagenet",
                        "resnet.models.ref.preprocessing.resize=320",
                        "resnet.models.ref.preprocessing.width=288",
                        "resnet.models.ref.preprocessing.height=288",
                        "resnet.models.ref.preprocessing.alpha=composite",
                        "resnet.models.ref.preprocessing.background=#000000")
                .run(context -> {
                    PreprocessingSpec spec = context.getBean(ResnetProperties.class)
                            .models()
                            .get("ref")
                            .preprocessing()
                            .toSpec();
                    assertThat(spec.resize()).isEqualTo(320);
                    assertThat(spec.width()).isEqualTo(288);
                    assertThat(spec.alpha()).isEqualTo(AlphaMode.COMPOSITE);
                    assertThat(spec.background()).isZero();
                    assertThat(spec.mean())
                            .containsExactly(PreprocessingSpec.imagenet().mean());
                });
    }

    @Test
    void decodingLimitsDefaultAndAreValidated() {
        runner.run(context -> {
            LimitsProperties limits = context.getBean(ResnetProperties.class).limits();
            assertThat(limits.maxJpegScans()).isEqualTo(100);
            assertThat(limits.decodingBudgetWait()).isEqualTo(Duration.ofMillis(250));
            assertThat(limits.decodingPixels()).isGreaterThanOrEqualTo(limits.maxPixels());
        });
        assertThat(LimitsProperties.defaultDecodingPixels(4L << 30, 40_000_000)).isEqualTo((4L << 30) / 4 / 14);
        assertThat(LimitsProperties.defaultDecodingPixels(256L << 20, 40_000_000))
                .as("never below max-pixels")
                .isEqualTo(40_000_000);
        runner.withPropertyValues("resnet.limits.max-decoding-pixels=1000")
                .run(context ->
                        assertThat(context).hasFailed().getFailure().hasStackTraceContaining("at least max-pixels"));
        runner.withPropertyValues("resnet.limits.max-jpeg-scans=0")
                .run(context -> assertThat(context).hasFailed());
    }

    @Test
    void refusesUnknownDevices() {
        runner.withPropertyValues("resnet.models.ref.devices=tpu")
                .run(context ->
                        assertThat(context).hasFailed().getFailure().hasStackTraceContaining("devices are cpu, gpu"));
    }

    @Test
    void refusesADefaultModelThatIsNotServed() {
        runner.withPropertyValues("resnet.default-model=other")
                .run(context -> assertThat(context).hasFailed().getFailure().hasStackTraceContaining("default-model"));
    }

    @Test
    void onnxRuntimeSettingsHaveDefaultsAndBounds() {
        runner.run(context -> {
            EngineProperties.OnnxProperties onnx =
                    context.getBean(ResnetProperties.class).engine().onnx();
            assertThat(onnx.intraOpThreads()).isZero();
            assertThat(onnx.interOpThreads()).isEqualTo(1);
            assertThat(onnx.arena()).isTrue();
            assertThat(onnx.optimization()).isEqualTo("all");
        });
        runner.withPropertyValues(
                        "resnet.engine.onnx.intra-op-threads=3",
                        "resnet.engine.onnx.arena=false",
                        "resnet.engine.onnx.optimization=basic",
                        "resnet.models.ref.format=onnx")
                .run(context -> {
                    ResnetProperties properties = context.getBean(ResnetProperties.class);
                    assertThat(properties.engine().onnx().settings().intraOpThreadsFor(2))
                            .isEqualTo(3);
                    assertThat(properties.engine().onnx().arena()).isFalse();
                    assertThat(properties.models().get("ref").settings().format())
                            .hasValue(ModelFormat.ONNX);
                });
        runner.withPropertyValues("resnet.engine.onnx.optimization=turbo")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining("engine.onnx.optimization"));
        runner.withPropertyValues("resnet.engine.onnx.inter-op-threads=0")
                .run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("resnet.models.ref.format=tensorflow")
                .run(context ->
                        assertThat(context).hasFailed().getFailure().hasStackTraceContaining("onnx or torchscript"));
    }

    @Test
    void explanationBoundsDefaultAndAreValidated() {
        runner.run(context -> {
            ExplainProperties explain = context.getBean(ResnetProperties.class).explain();
            assertThat(explain.maxConcurrent()).isEqualTo(1);
            assertThat(explain.occlusionGrid()).isEqualTo(12);
            assertThat(explain.occlusionBatch()).isEqualTo(4);
            assertThat(explain.integratedGradientsSteps()).isEqualTo(16);
            assertThat(explain.reference()).isEqualTo(ExplainReference.BLUR);
        });
        runner.withPropertyValues("resnet.explain.max-concurrent=0")
                .run(context -> assertThat(context).hasNotFailed());
        runner.withPropertyValues("resnet.explain.reference=mean")
                .run(context -> assertThat(context.getBean(ResnetProperties.class)
                                .explain()
                                .reference())
                        .isEqualTo(ExplainReference.MEAN));
        for (String bad : new String[] {
            "resnet.explain.max-concurrent=-1",
            "resnet.explain.max-concurrent=65",
            "resnet.explain.occlusion-grid=1",
            "resnet.explain.occlusion-grid=33",
            "resnet.explain.occlusion-batch=0",
            "resnet.explain.occlusion-batch=65",
            "resnet.explain.integrated-gradients-steps=0",
            "resnet.explain.integrated-gradients-steps=257",
            "resnet.explain.reference=grey"
        }) {
            runner.withPropertyValues(bad)
                    .run(context -> assertThat(context).as(bad).hasFailed());
        }
    }

    @Test
    void jobDurationBoundDefaultsToTenMinutesAndIsValidated() {
        runner.run(context -> assertThat(
                        context.getBean(ResnetProperties.class).training().maxJobDuration())
                .isEqualTo(Duration.ofMinutes(10)));
        runner.withPropertyValues("resnet.training.max-job-duration=1d")
                .run(context -> assertThat(context).hasNotFailed());
        for (String bad : new String[] {
            "resnet.training.max-job-duration=0s",
            "resnet.training.max-job-duration=-1s",
            "resnet.training.max-job-duration=25h"
        }) {
            runner.withPropertyValues(bad)
                    .run(context -> assertThat(context).as(bad).hasFailed());
        }
    }

    @Test
    void refusesNonsenseNumbers() {
        runner.withPropertyValues("resnet.models.ref.workers=0")
                .run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("resnet.models.ref.queue-capacity=0")
                .run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("resnet.models.ref.preprocessing.background=white")
                .run(context -> assertThat(context).hasFailed());
    }
}
