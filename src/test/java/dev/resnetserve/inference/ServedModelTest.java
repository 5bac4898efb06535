package dev.resnetserve.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.ZooModel;
import dev.resnetserve.model.ModelLoader;
import dev.resnetserve.model.ModelSpec;
import dev.resnetserve.model.WorkerThreads;
import dev.resnetserve.model.resnet.ClassMap;
import dev.resnetserve.model.resnet.GradCam;
import dev.resnetserve.support.Fixtures;
import dev.resnetserve.support.HeldBatches;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model version as served, without the application: the bundled demo model (0.065 GFLOPs an image) loaded on the
 * real engine through the loader the service uses, warmed up, answering with the logits of a direct forward pass of
 * the same model; scaled up and down; drained when stopped (queued requests answered, then the workers end and the
 * model is released) or, past the grace period, the rest failed; and the load's failures kept with their reason.
 */
class ServedModelTest {

    private static final String DEMO = "classpath:models/demo";
    private static final int SIDE = Fixtures.DEMO_INPUT;
    private static final int PIXELS = 3 * SIDE * SIDE;

    @TempDir
    Path work;

    private ModelLoader loader;

    @BeforeEach
    void loader() {
        loader = ModelLoader.standalone(work);
    }

    @Test
    void loadsWarmsUpAndAnswersWithTheModelsOwnLogits() throws Exception {
        ServedModel model = demo("answers", ModelSettings.builder().workers(2).batchMaxSize(2));
        assertThat(model.state()).isEqualTo(ModelState.LOADING);
        assertThat(model.inputShape())
                .as("imagenet until the model's directory is read")
                .containsExactly(3, 224, 224);
        assertThatThrownBy(() -> model.submit(input(1))).isInstanceOf(ModelNotReadyException.class);

        model.load(loader, BatchObserver.NONE);
        try {
            assertThat(model.state()).isEqualTo(ModelState.READY);
            assertThat(model.failure()).isEmpty();
            assertThat(model.inputShape())
                    .as("the model directory's preprocessing")
                    .containsExactly(3, SIDE, SIDE);
            assertThat(model.preprocessing().width()).isEqualTo(SIDE);
            assertThat(model.devices()).containsExactly("cpu");
            assertThat(model.labels())
                    .hasValueSatisfying(labels -> assertThat(labels.size()).isEqualTo(8));
            assertThat(model.details()).hasValueSatisfying(d -> {
                assertThat(d.parameterCount()).isNotEmpty();
                assertThat(d.parameterCount().getAsLong()).isPositive();
            });
            assertThat(model.loadTime("cpu"))
                    .hasValueSatisfying(t -> assertThat(t).isPositive());
            assertThat(model.loadTime("gpu0")).isEmpty();
            assertThat(model.batchMaxSize()).isEqualTo(2);
            assertThat(model.fixedBatchSize()).isEmpty();
            assertThat(model.targetWorkersPerDevice()).isEqualTo(2);
            assertThat(model.runningWorkers("cpu")).isEqualTo(2);
            assertThat(model.runningWorkers("gpu0")).isZero();
            assertThat(model.liveNativeArrays()).as("the weights").isPositive();
            assertThat(model.supportsGradCam()).isTrue();
            assertThat(model.supportsIntegratedGradients()).isTrue();
            assertThat(model.hasTorchScriptFeatures()).isFalse();
            awaitAdmissionRefuses(model);

            float[][] inputs = {input(1), input(2), input(3)};
            float[][] expected = direct(model.spec(), inputs);
            List<CompletableFuture<InferenceResult>> answers = List.of(
                    model.submit(inputs[0]), model.submit(inputs[1], Duration.ofSeconds(30)), model.submit(inputs[2]));
            for (int i = 0; i < inputs.length; i++) {
                InferenceResult result = answers.get(i).get(60, TimeUnit.SECONDS);
                assertThat(result.logits()).hasSize(8);
                assertThat(result.logits()).containsExactly(expected[i], within(1e-4f));
                assertThat(result.device()).isEqualTo("cpu");
            }
            assertThat(model.busyWorkers("cpu")).isBetween(0, 2);
            model.admit(2);
        } finally {
            model.stop(Duration.ofSeconds(30));
        }
        assertThat(model.state()).isEqualTo(ModelState.STOPPED);
    }

    @Test
    void explanationsRunOnTheWorkers() throws Exception {
        // workers not set: the settings' provisional count (here from one core) is replaced at load by the rule for
        // the model's engine and size, on this machine's cores
        ServedModel model =
                demo("explained", ModelSettings.builder().batchMaxSize(1).cores(1));
        assertThat(model.targetWorkersPerDevice()).isEqualTo(1);
        model.load(loader, BatchObserver.NONE);
        try {
            assertThat(model.targetWorkersPerDevice())
                    .as("derived at load: one worker per core for a model as small as the demo")
                    .isEqualTo(Math.min(Runtime.getRuntime().availableProcessors(), WorkerThreads.MAX_DEFAULT_WORKERS));
            float[] input = input(7);
            float[] logits = direct(model.spec(), new float[][] {input})[0];
            int top = GradCam.argMax(logits);

            ClassMap cam =
                    model.gradCam(input, -1, GradCam.Weighting.CHANNEL_MEAN).get(60, TimeUnit.SECONDS);
            assertThat(cam.target()).as("top-1 class").isEqualTo(top);
            assertThat(cam.logits()).containsExactly(logits, within(1e-3f));
            assertThat(cam.height()).isPositive();
            assertThat(cam.width()).isPositive();
            assertThat(cam.map()).hasSize(cam.height() * cam.width());

            // integrated gradients in parts: two jobs of two path points sum to one job of all four
            int other = (top + 1) % 8;
            float[] whole = model.pathGradients(input, null, other, 0, 4, 4).get(60, TimeUnit.SECONDS);
            float[] first = model.pathGradients(input, null, other, 0, 2, 4).get(60, TimeUnit.SECONDS);
            float[] second = model.pathGradients(input, null, other, 2, 2, 4).get(60, TimeUnit.SECONDS);
            assertThat(whole).hasSameSizeAs(input);
            float largest = 0;
            for (float g : whole) {
                largest = Math.max(largest, Math.abs(g));
            }
            assertThat(largest).as("a gradient").isPositive();
            for (int i = 0; i < whole.length; i++) {
                assertThat(first[i] + second[i]).as("element %d", i).isCloseTo(whole[i], within(1e-4f * largest));
            }
        } finally {
            model.stop(Duration.ofSeconds(30));
        }
    }

    @Test
    void scalingAddsWarmedWorkersAndRetiresThemWithoutFailingRequests() throws Exception {
        ServedModel model = demo("scaled", ModelSettings.builder().workers(1).batchMaxSize(1));
        assertThatThrownBy(() -> model.scaleWorkers(2)).as("not loaded yet").isInstanceOf(ModelNotReadyException.class);
        model.load(loader, BatchObserver.NONE);
        try {
            model.scaleWorkers(3);
            assertThat(model.runningWorkers("cpu")).isEqualTo(3);
            assertThat(model.targetWorkersPerDevice()).isEqualTo(3);
            assertThat(workerThreads("scaled")).hasSize(3);
            float[] expected = direct(model.spec(), new float[][] {input(4)})[0];
            assertThat(model.submit(input(4)).get(60, TimeUnit.SECONDS).logits())
                    .containsExactly(expected, within(1e-4f));

            model.scaleWorkers(1);
            assertThat(model.runningWorkers("cpu")).isEqualTo(1);
            assertThat(model.targetWorkersPerDevice()).isEqualTo(1);
            assertThat(workerThreads("scaled"))
                    .as("the retired workers' threads have ended")
                    .containsExactly("infer-scaled-cpu-0");
            assertThat(model.submit(input(4)).get(60, TimeUnit.SECONDS).logits())
                    .containsExactly(expected, within(1e-4f));
        } finally {
            model.stop(Duration.ofSeconds(30));
        }
        assertThat(workerThreads("scaled")).isEmpty();
    }

    @Test
    void stoppingAnswersWhatIsQueuedThenReleasesTheModel() throws Exception {
        HeldBatches held = HeldBatches.alone();
        ServedModel model = demo("drained", ModelSettings.builder().workers(1).batchMaxSize(1));
        model.load(loader, held);
        float[][] inputs = {input(1), input(2), input(3)};
        float[][] expected = direct(model.spec(), inputs);

        held.hold();
        CompletableFuture<InferenceResult> running = model.submit(inputs[0]);
        assertThat(held.awaitHeld()).isTrue();
        List<CompletableFuture<InferenceResult>> queued = List.of(model.submit(inputs[1]), model.submit(inputs[2]));
        assertThat(model.queueDepth()).isEqualTo(2);
        assertThat(model.busyWorkers("cpu")).isEqualTo(1);

        Thread stopping = new Thread(() -> model.stop(Duration.ofMinutes(1)), "stopping");
        stopping.start();
        awaitRefused(model);
        held.release();
        stopping.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(stopping.isAlive()).isFalse();

        assertThat(running.get(1, TimeUnit.SECONDS).logits()).containsExactly(expected[0], within(1e-4f));
        for (int i = 0; i < queued.size(); i++) {
            assertThat(queued.get(i).get(1, TimeUnit.SECONDS).logits())
                    .as("queued request %d answered while draining", i)
                    .containsExactly(expected[i + 1], within(1e-4f));
        }
        assertThat(model.state()).isEqualTo(ModelState.STOPPED);
        assertThat(model.runningWorkers("cpu")).isZero();
        assertThat(model.liveNativeArrays()).isZero();
        assertThat(workerThreads("drained")).isEmpty();
        assertThatThrownBy(() -> model.submit(inputs[0])).isInstanceOf(ModelNotReadyException.class);
    }

    @Test
    void pastTheGracePeriodWhatIsStillQueuedFails() throws Exception {
        HeldBatches held = HeldBatches.alone();
        ServedModel model = demo("cut", ModelSettings.builder().workers(1).batchMaxSize(1));
        model.load(loader, held);
        held.hold();
        CompletableFuture<InferenceResult> running = model.submit(input(1));
        assertThat(held.awaitHeld()).isTrue();
        CompletableFuture<InferenceResult> queued = model.submit(input(2));

        model.stop(Duration.ZERO); // interrupts the held worker, which ends after its batch

        assertThat(running.get(1, TimeUnit.SECONDS).logits()).hasSize(8);
        assertThatThrownBy(() -> queued.get(1, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(ModelNotReadyException.class)
                .hasMessageContaining("'cut' stopped");
        assertThat(model.state()).isEqualTo(ModelState.STOPPED);
    }

    @Test
    void aStoppedVersionLoadsAgainAndServes() throws Exception {
        ServedModel model = demo("paused", ModelSettings.builder().workers(1).batchMaxSize(1));
        model.load(loader, BatchObserver.NONE);
        model.stop(Duration.ofSeconds(30));
        assertThat(model.state()).isEqualTo(ModelState.STOPPED);

        model.load(loader, BatchObserver.NONE); // a paused context restarting
        try {
            assertThat(model.state()).isEqualTo(ModelState.READY);
            assertThat(model.runningWorkers("cpu")).isEqualTo(1);
            float[] expected = direct(model.spec(), new float[][] {input(5)})[0];
            assertThat(model.submit(input(5)).get(60, TimeUnit.SECONDS).logits())
                    .as("the queue takes requests again")
                    .containsExactly(expected, within(1e-4f));
        } finally {
            model.stop(Duration.ofSeconds(30));
        }
    }

    @Test
    void aMissingModelFailsWithItsReasonAndRefusesRequests() {
        ServedModel model = new ServedModel(
                ModelSettings.builder()
                        .build()
                        .spec("gone", work.resolve("gone-missing.pt").toString()),
                ModelSettings.builder().build().scheduling(),
                List.of(Device.cpu()));
        model.load(loader, BatchObserver.NONE);

        assertThat(model.state()).isEqualTo(ModelState.FAILED);
        assertThat(model.failure())
                .hasValueSatisfying(reason -> assertThat(reason).contains("gone-missing.pt"));
        assertThat(model.details()).isEmpty();
        assertThat(model.loadTime("cpu")).isEmpty();
        assertThatThrownBy(() -> model.submit(input(1))).isInstanceOf(ModelNotReadyException.class);
        assertThatThrownBy(() -> model.admit(1)).isInstanceOf(ModelNotReadyException.class);
        assertThat(model.supportsGradCam()).isFalse();
        model.stop(Duration.ofSeconds(1));
        assertThat(model.state()).as("a failed version stays failed").isEqualTo(ModelState.FAILED);
    }

    @Test
    void labelsThatDoNotMatchTheOutputFailTheLoadAndReleaseTheModel() throws Exception {
        Path labels = Files.writeString(work.resolve("three.txt"), "a\nb\nc\n");
        ServedModel model =
                demo("mislabelled", ModelSettings.builder().batchMaxSize(1).labels(labels.toString()));
        model.load(loader, BatchObserver.NONE);

        assertThat(model.state()).isEqualTo(ModelState.FAILED);
        assertThat(model.failure())
                .hasValueSatisfying(reason -> assertThat(reason).contains("has 3 classes but the model outputs 8"));
        assertThat(model.liveNativeArrays()).as("the loaded copy released").isZero();
        assertThat(model.runningWorkers("cpu")).isZero();
        assertThat(workerThreads("mislabelled")).isEmpty();
    }

    @Test
    void theRequestTimeoutIsTheNearerOfTheModelsAndTheClients() {
        ServedModel model = demo("timeouts", ModelSettings.builder().requestTimeout(Duration.ofSeconds(10)));
        assertThat(model.requestTimeout(null)).isEqualTo(Duration.ofSeconds(10));
        assertThat(model.requestTimeout(Duration.ofSeconds(11))).isEqualTo(Duration.ofSeconds(10));
        assertThat(model.requestTimeout(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(10));
        assertThat(model.requestTimeout(Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
        assertThat(model.requestTimeout(Duration.ZERO)).isEqualTo(Duration.ZERO);
        assertThat(model.requestTimeout(Duration.ofSeconds(-2))).isEqualTo(Duration.ZERO);
        assertThat(model.name()).isEqualTo("timeouts");
        assertThat(model.scheduling().requestTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    private ServedModel demo(String name, ModelSettings.Builder builder) {
        ModelSettings settings = builder.architecture("resnet-demo").build();
        return new ServedModel(settings.spec(name, DEMO), settings.scheduling(), List.of(Device.cpu()));
    }

    /** The same model's logits from a predictor of its own, one input at a time. */
    private float[][] direct(ModelSpec spec, float[][] inputs) throws Exception {
        try (ZooModel<NDList, NDList> model = loader.load(spec, loader.locate(spec), Device.cpu());
                Predictor<NDList, NDList> predictor = model.newPredictor();
                NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            float[][] logits = new float[inputs.length][];
            for (int i = 0; i < inputs.length; i++) {
                NDList out = predictor.predict(new NDList(manager.create(inputs[i], new Shape(1, 3, SIDE, SIDE))));
                logits[i] = out.get(0).toFloatArray();
            }
            return logits;
        }
    }

    static float[] input(long seed) {
        Random random = new Random(seed);
        float[] input = new float[PIXELS];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        return input;
    }

    private static List<String> workerThreads(String model) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("infer-" + model + "-"))
                .sorted()
                .toList();
    }

    /**
     * Before any request: once the workers take from the queue (at most ten seconds), three requests due in a
     * nanosecond are refused as too late, which takes the batch times only the warm-up has recorded.
     */
    private static void awaitAdmissionRefuses(ServedModel model) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            try {
                model.admit(3, Duration.ofNanos(1));
            } catch (DeadlineExceededException refused) {
                return;
            }
            Thread.sleep(10); // a wait for the worker threads to start; nothing is timed
        }
        throw new AssertionError("admission predicts no wait: the warm-up recorded no batch time");
    }

    /** Waits (at most a minute) until a stopping model refuses new requests. */
    private static void awaitRefused(ServedModel model) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (System.nanoTime() < end) {
            try {
                model.admit(1);
            } catch (ModelNotReadyException refused) {
                return;
            }
            Thread.sleep(10); // a wait for the stopping thread; nothing is timed
        }
        throw new AssertionError("the stopping model still admits requests");
    }
}
