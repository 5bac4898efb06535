package dev.resnetserve.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.ZooModel;
import dev.resnetserve.model.EngineSettings;
import dev.resnetserve.model.ModelLoader;
import dev.resnetserve.model.ModelSpec;
import dev.resnetserve.preprocess.PreprocessingSpec;
import dev.resnetserve.support.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One device's side of a served model, on the real engine and the bundled demo model: a worker's predictor runs a
 * batch as each input's own forward pass (and pads to a batch size the input fixes), the warm-up learns the
 * classes and teaches admission before a worker takes a request, a device pool scales its threads and, when
 * stopped, lets them answer what is queued before it closes its copy of the model; and the in-process ceiling.
 */
class DeviceWorkersTest {

    private static final long[] SHAPE = {3, Fixtures.DEMO_INPUT, Fixtures.DEMO_INPUT};

    private static Path work;
    private static ModelLoader loader;
    private static ModelSpec spec;
    private static ZooModel<NDList, NDList> shared;

    @BeforeAll
    static void load() throws Exception {
        work = Files.createTempDirectory("device-workers");
        loader = ModelLoader.standalone(work);
        spec = ModelSettings.builder().architecture("resnet-demo").build().spec("demo", "classpath:models/demo");
        shared = newModel();
    }

    @AfterAll
    static void close() {
        shared.close();
    }

    private static ZooModel<NDList, NDList> newModel() {
        return loader.load(spec, loader.locate(spec), Device.cpu(), 2);
    }

    @Test
    void aBatchIsEachInputsOwnForwardPass() throws Exception {
        PredictorBatchRunner runner = new PredictorBatchRunner(shared, SHAPE);
        try {
            float[][] batch = runner.run(List.of(input(1), input(2), input(3)));
            assertThat(batch).hasNumberOfRows(3);
            for (int i = 0; i < 3; i++) {
                float[] alone = runner.run(List.of(input(i + 1)))[0];
                assertThat(alone).hasSize(8);
                assertThat(batch[i]).as("row %d", i).containsExactly(alone, within(1e-4f));
            }
            assertThat(runner.device()).isEqualTo("cpu");
            int before = shared.getNDManager().getManagedArrays().size();
            runner.run(List.of(input(1), input(2)));
            assertThat(shared.getNDManager().getManagedArrays())
                    .as("no array of a batch outlives it")
                    .hasSize(before);
        } finally {
            runner.close();
        }
    }

    @Test
    void eachThreadThatRunsARunnerGetsItsLibtorchThreadCount() throws Exception {
        ExecutorService first = Executors.newSingleThreadExecutor();
        ExecutorService second = Executors.newSingleThreadExecutor();
        try {
            PredictorBatchRunner threeThreads = new PredictorBatchRunner(shared, SHAPE, OptionalInt.empty(), 3);
            PredictorBatchRunner oneThread = new PredictorBatchRunner(shared, SHAPE, OptionalInt.empty(), 1);
            List<float[]> batch = List.of(input(1));
            first.submit(() -> threeThreads.run(batch)).get();
            second.submit(() -> oneThread.run(batch)).get();

            assertThat(first.submit(EngineSettings::torchThreadsOnThisThread).get())
                    .as("libtorch's count is the thread's own: another thread setting 1 leaves it at 3")
                    .isEqualTo(3);
            assertThat(second.submit(EngineSettings::torchThreadsOnThisThread).get())
                    .isEqualTo(1);
            threeThreads.close();
            oneThread.close();
        } finally {
            first.shutdownNow();
            second.shutdownNow();
        }
    }

    @Test
    void aFixedBatchSizeIsPaddedAndThePaddingsRowsDropped() throws Exception {
        PredictorBatchRunner plain = new PredictorBatchRunner(shared, SHAPE);
        PredictorBatchRunner fixed = new PredictorBatchRunner(shared, SHAPE, OptionalInt.of(4), 0);
        try {
            float[][] padded = fixed.run(List.of(input(5), input(6)));
            assertThat(padded).hasNumberOfRows(2);
            assertThat(padded[0]).containsExactly(plain.run(List.of(input(5)))[0], within(1e-4f));
            assertThat(padded[1]).containsExactly(plain.run(List.of(input(6)))[0], within(1e-4f));
        } finally {
            plain.close();
            fixed.close();
        }
    }

    @Test
    void aJobRunsOnTheDevicesModel() throws Exception {
        PredictorBatchRunner runner = new PredictorBatchRunner(shared, SHAPE);
        AtomicReference<ZooModel<NDList, NDList>> seen = new AtomicReference<>();
        try {
            float[] row = runner.runJob(model -> {
                seen.set(model);
                return new float[] {42};
            });
            assertThat(row).containsExactly(42);
            assertThat(seen.get()).isSameAs(shared);
        } finally {
            runner.close();
        }
    }

    @Test
    void theWarmUpLearnsTheClassesAndTeachesAdmissionBeforeTheFirstRequest() throws Exception {
        InferenceQueue queue = new InferenceQueue(8, Duration.ofSeconds(30), 3);
        WorkerWarmUp warmUp = new WorkerWarmUp(
                "warm", queue, SHAPE, OptionalInt.empty(), 3, Duration.ofMillis(5), BatchObserver.NONE, 0);
        assertThat(warmUp.outputClasses()).isZero();

        Worker worker = warmUp.warmWorker(shared);

        assertThat(warmUp.outputClasses()).isEqualTo(8);
        assertThat(queue.depth())
                .as("the warm-up ran beside the queue, not through it")
                .isZero();
        queue.workerStarted();
        queue.batchStarted();
        assertThat(queue.expectedCompletionNanos(0))
                .as("a batch's time, learnt by the warm-up")
                .isPositive();
        queue.batchEnded();
        queue.workerEnded();

        Thread thread = new Thread(worker, "warm-worker");
        thread.start();
        try {
            float[] expected = new PredictorBatchRunner(shared, SHAPE).run(List.of(input(9)))[0];
            assertThat(queue.submit(input(9)).get(60, TimeUnit.SECONDS).logits())
                    .containsExactly(expected, within(1e-4f));
        } finally {
            worker.finishQueuedThenEnd();
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertThat(worker.state()).isEqualTo(WorkerState.ENDED);
    }

    @Test
    void aWarmUpThatFailsSaysAtWhichBatchSize() {
        InferenceQueue queue = new InferenceQueue(8, Duration.ofSeconds(30), 2);
        WorkerWarmUp warmUp = new WorkerWarmUp(
                "wrong", queue, new long[] {5, 128, 128}, OptionalInt.empty(), 2, Duration.ZERO, BatchObserver.NONE, 0);

        assertThatThrownBy(() -> warmUp.warmWorker(shared))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("warm-up at batch size 1 failed");
    }

    @Test
    void aPoolScalesItsWorkersAndDrainsTheQueueBeforeClosingItsModel() throws Exception {
        ZooModel<NDList, NDList> model = newModel();
        InferenceQueue queue = new InferenceQueue(16, Duration.ofSeconds(60), 1);
        WorkerWarmUp warmUp =
                new WorkerWarmUp("pool", queue, SHAPE, OptionalInt.empty(), 1, Duration.ZERO, BatchObserver.NONE, 0);
        DevicePool pool = new DevicePool(Device.cpu(), model);
        assertThat(pool.device()).isEqualTo("cpu");
        assertThat(pool.model()).isSameAs(model);
        assertThat(pool.liveNativeArrays()).as("the weights").isPositive();

        pool.start("pool", List.of(warmUp.warmWorker(model)));
        assertThat(pool.workerCount()).isEqualTo(1);
        AtomicInteger warmed = new AtomicInteger();
        assertThat(pool.scaleTo("pool", 3, () -> {
                    warmed.incrementAndGet();
                    return warmUp.warmWorker(model);
                }))
                .as("scaling up ends no thread")
                .isEmpty();
        assertThat(warmed).hasValue(2);
        assertThat(pool.workerCount()).isEqualTo(3);
        assertThat(threads("infer-pool-cpu-"))
                .containsExactly("infer-pool-cpu-0", "infer-pool-cpu-1", "infer-pool-cpu-2");

        List<Thread> retired = pool.scaleTo("pool", 1, () -> {
            throw new AssertionError("scaling down warms no worker");
        });
        assertThat(retired).extracting(Thread::getName).containsExactly("infer-pool-cpu-2", "infer-pool-cpu-1");
        for (Thread thread : retired) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertThat(retired).noneMatch(Thread::isAlive);
        assertThat(pool.workerCount()).isEqualTo(1);
        assertThat(pool.scaleTo("pool", 1, () -> null)).isEmpty();

        // queued while the last worker is stopped: it answers them all before it ends and the model is closed
        List<CompletableFuture<InferenceResult>> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            answers.add(queue.submit(input(i)));
        }
        pool.stop(System.nanoTime() + TimeUnit.MINUTES.toNanos(1));
        for (CompletableFuture<InferenceResult> answer : answers) {
            assertThat(answer).isCompleted();
            assertThat(answer.get().logits()).hasSize(8);
        }
        assertThat(threads("infer-pool-cpu-")).isEmpty();
        assertThat(pool.busyWorkers()).isZero();
        assertThat(model.getNDManager().isOpen()).as("the model closed").isFalse();
    }

    @Test
    void theCeilingCountsImagesOverItsMeasuredTime() throws Exception {
        ModelSpec sized = ModelSettings.builder()
                .architecture("resnet-demo")
                .preprocessing(PreprocessingSpec.wholeImage(64))
                .build()
                .spec("demo", "classpath:models/demo");
        PredictorCeiling.Result result = PredictorCeiling.measure(
                loader, sized, new float[3 * 64 * 64], 2, 2, Duration.ofMillis(20), Duration.ofMillis(200));

        assertThat(result.imagesPerSecond()).isPositive();
        assertThat(result.medianBatchMs()).isPositive();
    }

    private static List<String> threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith(prefix))
                .sorted()
                .toList();
    }

    private static float[] input(long seed) {
        return ServedModelTest.input(seed);
    }
}
