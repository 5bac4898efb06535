package dev.resnetserve.serving;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import dev.resnetserve.inference.BatchObserver;
import dev.resnetserve.inference.DeviceResolver;
import dev.resnetserve.inference.ModelNotFoundException;
import dev.resnetserve.inference.ModelNotReadyException;
import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.inference.ModelSettings;
import dev.resnetserve.inference.ModelState;
import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.model.ModelLoader;
import dev.resnetserve.model.train.ShapeGenerator;
import dev.resnetserve.preprocess.ImageDecoder;
import dev.resnetserve.preprocess.ImageLimits;
import dev.resnetserve.preprocess.Preprocessor;
import dev.resnetserve.support.Await;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving core without the application: which version a request reaches, that a model which cannot serve
 * refuses before anything is decoded, and (on the bundled demo model, the one part that needs an engine) that
 * topK is checked against the model's classes and each image's stages are timed once and reported.
 */
class ClassifierTest {

    private static final byte[] NOT_AN_IMAGE = {1, 2, 3};

    @TempDir
    Path work;

    private final TestObservationRegistry observations = TestObservationRegistry.create();
    private final RecordingObserver observer = new RecordingObserver();
    private ModelRegistry registry;

    private Classifier classifier(List<ServedModel> served, String defaultModel) {
        registry = new ModelRegistry(
                served,
                defaultModel,
                ModelLoader.standalone(work),
                new DeviceResolver(() -> 0),
                Duration.ofSeconds(1),
                BatchObserver.NONE);
        return new Classifier(
                registry,
                new ImageDecoder(new ImageLimits(4_000_000, 4_000)),
                new Preprocessor(),
                observer,
                observations);
    }

    @AfterEach
    void stop() {
        if (registry != null && registry.isRunning()) {
            registry.stop();
        }
    }

    @Test
    void aRequestReachesTheVersionItNamesOrTheDefaults() {
        Classifier classifier =
                classifier(List.of(missing("main", "1"), missing("main", "2"), missing("other", "1")), "other");

        assertThat(classifier.require(null, null).name())
                .as("no name: the default model")
                .isEqualTo("other");
        assertThat(classifier.require("main", null).spec().version())
                .as("no version: the model's default version, its first")
                .isEqualTo("1");
        assertThat(classifier.require("main", "2").spec().version()).isEqualTo("2");
        assertThatThrownBy(() -> classifier.require("nope", null))
                .isInstanceOf(ModelNotFoundException.class)
                .extracting(e -> ((ServiceException) e).code())
                .isEqualTo(ErrorCode.MODEL_NOT_FOUND);
        assertThatThrownBy(() -> classifier.require("main", "9")).isInstanceOf(ModelNotFoundException.class);
        assertThatThrownBy(() -> classifier.classify("nope", NOT_AN_IMAGE, null))
                .isInstanceOf(ModelNotFoundException.class);
    }

    @Test
    void aLoadingModelRefusesBeforeDecodingAndReportsNoStage() {
        Classifier classifier = classifier(List.of(missing("main", "1")), "main");
        ServedModel loading = classifier.require("main", null); // the registry is not started: it stays loading

        assertThatThrownBy(() -> classifier.classify("main", NOT_AN_IMAGE, 3))
                .as("503 model_not_ready, not the 400 the bytes would earn")
                .isInstanceOf(ModelNotReadyException.class)
                .hasMessageContaining("is loading");
        assertThatThrownBy(() -> classifier.classifyImages(loading, List.of(NOT_AN_IMAGE, NOT_AN_IMAGE)))
                .isInstanceOf(ModelNotReadyException.class);
        assertThat(observer.measured).isEmpty();
        assertThat(observations).as("no decode or preprocess stage ran").doesNotHaveAnyObservation();

        assertThatThrownBy(() -> classifier.infer(loading, List.of(new float[3])))
                .isInstanceOf(ModelNotReadyException.class);
        assertThatThrownBy(() -> classifier.labels(loading))
                .isInstanceOf(ModelNotReadyException.class)
                .hasMessageContaining("is loading");
    }

    @Test
    void aFailedModelRefusesWithoutItsReason() throws InterruptedException {
        Classifier classifier = classifier(List.of(missing("main", "1")), "main");
        registry.start();
        ServedModel failed = classifier.require(null, null);
        Await.until("the model failed", () -> failed.state() == ModelState.FAILED);

        // the reason names local paths: it is for GET /v1/models, not for every 503
        assertThatThrownBy(() -> classifier.classify(null, NOT_AN_IMAGE, null))
                .as("/v1 needs the labels first")
                .isInstanceOf(ModelNotReadyException.class)
                .hasMessage("model 'main' is failed");
        assertThatThrownBy(() -> classifier.classifyImages(failed, List.of(NOT_AN_IMAGE)))
                .as("the other protocols ask for room in the queue first")
                .isInstanceOf(ModelNotReadyException.class)
                .hasMessageContaining("failed to load")
                .hasMessageNotContaining(work.toString());
        assertThat(observer.measured).isEmpty();
    }

    /** The bundled demo model, loaded once on the CPU: eight classes, its own input size. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OnTheDemoModel {

        private ModelRegistry demoRegistry;
        private Classifier demo;

        @BeforeAll
        void load(@TempDir Path unpacked) throws InterruptedException {
            ModelSettings settings = ModelSettings.builder()
                    .architecture("resnet-demo")
                    .devices(List.of("cpu"))
                    .workers(1)
                    .batchMaxSize(2)
                    .build();
            ServedModel model = new ServedModel(
                    settings.spec("demo", "classpath:models/demo"), settings.scheduling(), List.of(Device.cpu()));
            demoRegistry = new ModelRegistry(
                    List.of(model),
                    "demo",
                    ModelLoader.standalone(unpacked),
                    new DeviceResolver(() -> 0),
                    Duration.ofSeconds(5),
                    BatchObserver.NONE);
            demoRegistry.start();
            for (int i = 0;
                    i < 1_200 && (model.state() == ModelState.LOADING || model.state() == ModelState.WARMING_UP);
                    i++) {
                Thread.sleep(100);
            }
            assertThat(model.state()).as(model.failure().orElse("")).isEqualTo(ModelState.READY);
            demo = new Classifier(
                    demoRegistry,
                    new ImageDecoder(new ImageLimits(4_000_000, 4_000)),
                    new Preprocessor(),
                    observer,
                    observations);
        }

        @BeforeEach
        void forget() {
            observer.measured.clear();
        }

        @AfterAll
        void unload() {
            demoRegistry.stop();
        }

        @Test
        void topKIsBetweenOneAndTheModelsClasses() {
            byte[] circle = circle();

            assertThat(demo.classify(null, circle, null).predictions())
                    .as("five by default")
                    .hasSize(5);
            assertThat(demo.classify("demo", circle, 8).predictions()).hasSize(8);
            for (int topK : new int[] {0, 9, -1}) {
                assertThatThrownBy(() -> demo.classify("demo", circle, topK))
                        .isInstanceOf(ServiceException.class)
                        .hasMessageContaining("8 classes")
                        .extracting(e -> ((ServiceException) e).code())
                        .isEqualTo(ErrorCode.INVALID_TOP_K);
            }
        }

        @Test
        void anAnswerNamesItsVersionAndDeviceWithEveryStageTimedOnce() {
            ClassificationResponse answer = demo.classify("demo", "1", circle(), 3);

            assertThat(answer.model()).isEqualTo("demo");
            assertThat(answer.version()).isEqualTo("1");
            assertThat(answer.device()).isEqualTo("cpu");
            assertThat(answer.predictions()).hasSize(3);
            assertThat(answer.predictions().get(0).label()).isEqualTo("circle");
            assertThat(answer.predictions().get(0).probability())
                    .isGreaterThanOrEqualTo(answer.predictions().get(1).probability());
            assertThat(observer.measured).containsExactly(answer.timings());
            assertThat(answer.timings().totalMs())
                    .isGreaterThanOrEqualTo(
                            answer.timings().decodeMs() + answer.timings().preprocessMs());
        }

        @Test
        void imagesOfOneRequestAreQueuedTogetherAndAnsweredInOrder() {
            ShapeGenerator shapes = new ShapeGenerator(2026);
            List<byte[]> images =
                    List.of(shapes.sample(0).encoded(), shapes.sample(1).encoded());
            ServedModel model = demo.require("demo", null);

            List<Classified> classified = demo.classifyImages(model, images);

            assertThat(classified).hasSize(2);
            assertThat(classified)
                    .allSatisfy(each -> assertThat(each.probabilities()).hasSize(8));
            assertThat(classified.get(0).probabilities()[0])
                    .as("sample 0 is a circle")
                    .isGreaterThan(0.5);
            assertThat(observer.measured).hasSize(2);
        }

        @Test
        void anUndecodableImageIsA400() {
            assertThatThrownBy(() -> demo.classify("demo", NOT_AN_IMAGE, null))
                    .isInstanceOf(ServiceException.class)
                    .extracting(e -> ((ServiceException) e).code())
                    .isEqualTo(ErrorCode.UNDECODABLE_IMAGE);
            assertThat(observer.measured).isEmpty();
        }

        private byte[] circle() {
            return new ShapeGenerator(2026).sample(0).encoded(); // sample 0 of any seed is a circle
        }
    }

    private ServedModel missing(String name, String version) {
        ModelSettings settings = ModelSettings.builder().version(version).build();
        return new ServedModel(
                settings.spec(name, work.resolve(name + "-missing.pt").toString()),
                settings.scheduling(),
                List.of(Device.cpu()));
    }

    private static final class RecordingObserver implements ClassificationObserver {

        final List<StageTimings> measured = new ArrayList<>();

        @Override
        public synchronized void stagesMeasured(String model, String version, StageTimings timings) {
            measured.add(timings);
        }

        @Override
        public void requestFinished(String model, String version, Outcome outcome, long nanos) {}
    }
}
