package dev.resnetserve.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The queue and workers with a fake model: batches form from what is waiting, a full queue refuses at once, an
 * expired request is never run, and a busy worker's backlog goes to a free worker. Ordering is forced with
 * latches, never with sleeps.
 */
class BatchingTest {

    private static final Duration LONG = Duration.ofSeconds(30);
    private final List<Thread> threads = new ArrayList<>();
    private final List<Worker> workers = new ArrayList<>();

    @AfterEach
    void stopWorkers() throws InterruptedException {
        workers.forEach(Worker::finishQueuedThenEnd);
        for (Thread thread : threads) {
            thread.join(5_000);
        }
    }

    @Test
    void requestsWaitingTogetherRunAsOneBatch() throws Exception {
        InferenceQueue queue = new InferenceQueue(16, LONG);
        GatedRunner runner = new GatedRunner("cpu");
        start(queue, runner, 8, Duration.ZERO);

        CompletableFuture<InferenceResult> first = queue.submit(input(0));
        runner.awaitBatchStarted();
        List<CompletableFuture<InferenceResult>> waiting = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            waiting.add(queue.submit(input(i)));
        }
        runner.release();

        assertThat(first.get(10, TimeUnit.SECONDS).batchSize()).isEqualTo(1);
        for (int i = 0; i < waiting.size(); i++) {
            InferenceResult result = waiting.get(i).get(10, TimeUnit.SECONDS);
            assertThat(result.batchSize()).isEqualTo(5);
            assertThat(result.logits()[0])
                    .as("each request gets its own output row")
                    .isEqualTo(i + 1);
        }
        assertThat(runner.batchSizes).containsExactly(1, 5);
    }

    @Test
    void batchesNeverExceedTheMaximum() throws Exception {
        InferenceQueue queue = new InferenceQueue(32, LONG);
        GatedRunner runner = new GatedRunner("cpu");
        start(queue, runner, 4, Duration.ZERO);

        CompletableFuture<InferenceResult> first = queue.submit(input(0));
        runner.awaitBatchStarted();
        List<CompletableFuture<InferenceResult>> rest = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            rest.add(queue.submit(input(i)));
        }
        runner.release();
        first.get(10, TimeUnit.SECONDS);
        for (CompletableFuture<InferenceResult> f : rest) {
            f.get(10, TimeUnit.SECONDS);
        }

        assertThat(runner.batchSizes).containsExactly(1, 4, 4, 2);
    }

    @Test
    void aFullQueueRefusesAtOnce() {
        InferenceQueue queue = new InferenceQueue(2, LONG);
        queue.submit(input(0));
        queue.submit(input(1));

        assertThatThrownBy(() -> queue.submit(input(2))).isInstanceOf(QueueFullException.class);
        assertThat(queue.depth()).isEqualTo(2);
    }

    @Test
    void admissionIsRefusedBeforeAnyWorkWhenTheRequestsWouldNotFit() {
        InferenceQueue queue = new InferenceQueue(3, LONG);
        queue.checkRoom(3);
        queue.submit(input(0));
        queue.submit(input(1));

        queue.checkRoom(1);
        assertThatThrownBy(() -> queue.checkRoom(2)).as("two images, one place").isInstanceOf(QueueFullException.class);
    }

    @Test
    void aRequestThatWouldBeAnsweredPastItsDeadlineIsRefusedAtOnce() throws Exception {
        // time stands still for deadlines: however slow the machine, nothing queued here expires by itself
        InferenceQueue queue = new InferenceQueue(16, Duration.ofMillis(150), 1, () -> 0L);
        GatedRunner runner = new GatedRunner("cpu");
        CompletableFuture<InferenceResult> running = busyWithSixtyMillisecondBatches(queue, runner);

        // the worker is busy: at most 60 ms left of its batch, then 60 ms for this one: 120 ms, within 150
        CompletableFuture<InferenceResult> next = queue.submit(input(1));
        // one more ahead: 60 + 60 + 60 = 180 ms, past the deadline
        assertThatThrownBy(() -> queue.submit(input(2)))
                .isInstanceOf(DeadlineExceededException.class)
                .hasMessageContaining("about 180 ms, past its 150 ms request timeout")
                .extracting(e -> ((ServiceException) e).code(), e -> ((ServiceException) e).refusedAtOnce())
                .containsExactly(ErrorCode.DEADLINE_EXCEEDED, true);
        assertThatThrownBy(() -> queue.checkRoom(1))
                .as("the same prediction before decoding")
                .isInstanceOf(DeadlineExceededException.class);
        assertThat(queue.depth()).isEqualTo(1);

        runner.release();
        assertThat(running.get(10, TimeUnit.SECONDS).logits()).containsExactly(0f);
        assertThat(next.get(10, TimeUnit.SECONDS).logits()).containsExactly(1f);
    }

    @Test
    void aFreeWorkerTakesARequestWhateverThePrediction() throws Exception {
        InferenceQueue queue = new InferenceQueue(16, Duration.ofMillis(100), 1);
        queue.recordBatch(1, Duration.ofSeconds(10).toNanos());
        GatedRunner runner = new GatedRunner("cpu");
        runner.release();
        start(queue, runner, 1, Duration.ZERO);
        awaitWorkers(queue, 1);

        assertThat(queue.submit(input(3)).get(10, TimeUnit.SECONDS).logits())
                .as("admission never locks itself out: an idle model runs the request and learns from it")
                .containsExactly(3f);
    }

    @Test
    void expiredRequestsMakeRoomForLiveOnesInAFullQueue() throws Exception {
        AtomicLong clock = new AtomicLong();
        InferenceQueue queue = new InferenceQueue(2, Duration.ofSeconds(1), 1, clock::get);
        CompletableFuture<InferenceResult> first = queue.submit(input(0));
        CompletableFuture<InferenceResult> second = queue.submit(input(1));
        assertThatThrownBy(() -> queue.checkRoom(1)).isInstanceOf(QueueFullException.class);

        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        queue.checkRoom(2);
        CompletableFuture<InferenceResult> live = queue.submit(input(2));

        assertThat(queue.depth()).isEqualTo(1);
        for (CompletableFuture<InferenceResult> expired : List.of(first, second)) {
            assertThatThrownBy(() -> expired.get(10, TimeUnit.SECONDS))
                    .as("answered with a timeout when dropped, not left hanging")
                    .hasCauseInstanceOf(DeadlineExceededException.class);
        }
        GatedRunner runner = new GatedRunner("cpu");
        runner.release();
        start(queue, runner, 8, Duration.ZERO);
        assertThat(live.get(10, TimeUnit.SECONDS).logits()).containsExactly(2f);
        assertThat(runner.batchSizes).containsExactly(1);
    }

    @Test
    void expiredRequestsAheadDoNotCountInTheWaitAdmissionPredicts() throws Exception {
        AtomicLong clock = new AtomicLong();
        InferenceQueue queue = new InferenceQueue(16, Duration.ofMillis(150), 1, clock::get);
        GatedRunner runner = new GatedRunner("cpu");
        CompletableFuture<InferenceResult> running = busyWithSixtyMillisecondBatches(queue, runner);
        CompletableFuture<InferenceResult> stale = queue.submit(input(1));
        assertThatThrownBy(() -> queue.submit(input(2))).isInstanceOf(DeadlineExceededException.class);

        clock.addAndGet(Duration.ofMillis(150).toNanos()); // the queued one's deadline passes
        CompletableFuture<InferenceResult> fresh = queue.submit(input(3));

        assertThatThrownBy(() -> stale.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(DeadlineExceededException.class);
        runner.release();
        assertThat(running.get(10, TimeUnit.SECONDS).logits()).containsExactly(0f);
        assertThat(fresh.get(10, TimeUnit.SECONDS).logits()).containsExactly(3f);
        assertThat(runner.batchSizes).containsExactly(1, 1);
    }

    @Test
    void anExpiredRequestIsDroppedBeforeInference() throws Exception {
        AtomicLong clock = new AtomicLong();
        InferenceQueue queue = new InferenceQueue(4, Duration.ofSeconds(1), 1, clock::get);
        CompletableFuture<InferenceResult> expired = queue.submit(input(7));
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        GatedRunner runner = new GatedRunner("cpu");
        runner.release();
        start(queue, runner, 8, Duration.ZERO);

        assertThatThrownBy(() -> expired.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(DeadlineExceededException.class);
        assertThat(runner.batchSizes).isEmpty();
    }

    @Test
    void aFreeWorkerTakesWhatABusyOneCannot() throws Exception {
        InferenceQueue queue = new InferenceQueue(16, LONG);
        GatedRunner gpu0 = new GatedRunner("gpu0");
        GatedRunner gpu1 = new GatedRunner("gpu1");
        gpu1.release();
        start(queue, gpu0, 1, Duration.ZERO);

        CompletableFuture<InferenceResult> first = queue.submit(input(0));
        gpu0.awaitBatchStarted();
        start(queue, gpu1, 1, Duration.ZERO);
        List<CompletableFuture<InferenceResult>> next = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            next.add(queue.submit(input(i)));
        }
        for (CompletableFuture<InferenceResult> f : next) {
            assertThat(f.get(10, TimeUnit.SECONDS).device()).isEqualTo("gpu1");
        }
        gpu0.release();
        assertThat(first.get(10, TimeUnit.SECONDS).device()).isEqualTo("gpu0");
    }

    @Test
    void aFailingBatchFailsItsRequestsAndTheWorkerGoesOn() throws Exception {
        InferenceQueue queue = new InferenceQueue(4, LONG);
        AtomicInteger calls = new AtomicInteger();
        BatchRunner flaky = new BatchRunner() {
            @Override
            public float[][] run(List<float[]> inputs) {
                if (calls.getAndIncrement() == 0) {
                    throw new IllegalStateException("native failure");
                }
                return inputs.toArray(float[][]::new);
            }

            @Override
            public String device() {
                return "cpu";
            }

            @Override
            public void close() {}
        };
        start(queue, flaky, 1, Duration.ZERO);

        assertThatThrownBy(() -> queue.submit(input(1)).get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(InferenceFailedException.class);
        assertThat(queue.submit(input(2)).get(10, TimeUnit.SECONDS).logits()).containsExactly(2f);
    }

    /** One worker whose batches of 1 take 60 ms, held in its first batch (input 0, the future returned). */
    private CompletableFuture<InferenceResult> busyWithSixtyMillisecondBatches(InferenceQueue queue, GatedRunner runner)
            throws InterruptedException {
        queue.recordBatch(1, Duration.ofMillis(60).toNanos());
        start(queue, runner, 1, Duration.ZERO);
        CompletableFuture<InferenceResult> running = queue.submit(input(0));
        runner.awaitBatchStarted();
        return running;
    }

    private void start(InferenceQueue queue, BatchRunner runner, int maxBatch, Duration maxDelay) {
        Worker worker = new Worker(queue, runner, maxBatch, maxDelay);
        Thread thread = new Thread(worker, "test-worker-" + runner.device());
        thread.setDaemon(true);
        workers.add(worker);
        threads.add(thread);
        thread.start();
    }

    private static void awaitWorkers(InferenceQueue queue, int count) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (queue.workerCount() < count) {
            assertThat(System.nanoTime()).as("workers started").isLessThan(end);
            Thread.onSpinWait();
        }
    }

    private static float[] input(int value) {
        return new float[] {value};
    }

    /** Echoes its inputs as outputs; the first batch waits at a gate so that tests can queue behind it. */
    private static final class GatedRunner implements BatchRunner {

        final List<Integer> batchSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final String device;
        private final CountDownLatch started = new CountDownLatch(1);
        private final CountDownLatch gate = new CountDownLatch(1);

        GatedRunner(String device) {
            this.device = device;
        }

        @Override
        public float[][] run(List<float[]> inputs) throws InterruptedException {
            batchSizes.add(inputs.size());
            started.countDown();
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate never opened");
            }
            return inputs.toArray(float[][]::new);
        }

        void awaitBatchStarted() throws InterruptedException {
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        }

        void release() {
            gate.countDown();
        }

        @Override
        public String device() {
            return device;
        }

        @Override
        public void close() {}
    }
}
