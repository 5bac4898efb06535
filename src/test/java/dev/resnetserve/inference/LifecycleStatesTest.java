package dev.resnetserve.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The model version's and the worker's state machines: the moves each may make, and the ones it may not. */
class LifecycleStatesTest {

    @Test
    void aModelVersionLoadsDevicesInTurnAndAStoppedOneNeverBecomesReadyByItself() {
        assertThat(ModelState.LOADING.mayBecome(ModelState.WARMING_UP)).isTrue();
        assertThat(ModelState.WARMING_UP.mayBecome(ModelState.LOADING))
                .as("the next device")
                .isTrue();
        assertThat(ModelState.WARMING_UP.mayBecome(ModelState.READY)).isTrue();
        assertThat(ModelState.READY.mayBecome(ModelState.STOPPED)).isTrue();
        assertThat(ModelState.STOPPED.mayBecome(ModelState.LOADING))
                .as("a paused context restarts")
                .isTrue();
        assertThat(ModelState.FAILED.mayBecome(ModelState.LOADING)).isTrue();

        assertThat(ModelState.STOPPED.mayBecome(ModelState.WARMING_UP))
                .as("a late loader")
                .isFalse();
        assertThat(ModelState.STOPPED.mayBecome(ModelState.READY)).isFalse();
        assertThat(ModelState.READY.mayBecome(ModelState.LOADING)).isFalse();
        assertThat(ModelState.LOADING.mayBecome(ModelState.READY))
                .as("never without warming up")
                .isFalse();
    }

    @Test
    void aRetiringWorkerEndsAfterItsBatchAndADrainingOneFinishesTheQueue() throws Exception {
        InferenceQueue queue = new InferenceQueue(16, Duration.ofSeconds(30), 1);
        CountDownLatch inBatch = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BatchRunner held = new BatchRunner() {
            @Override
            public float[][] run(List<float[]> inputs) throws Exception {
                inBatch.countDown();
                release.await(30, TimeUnit.SECONDS);
                return inputs.stream().map(input -> new float[] {1f}).toArray(float[][]::new);
            }

            @Override
            public String device() {
                return "cpu";
            }

            @Override
            public void close() {}
        };
        Worker worker = new Worker(queue, held, 1, Duration.ZERO);
        Thread thread = new Thread(worker);
        thread.start();
        CompletableFuture<InferenceResult> first = queue.submit(new float[] {0f});
        CompletableFuture<InferenceResult> second = queue.submit(new float[] {0f});
        assertThat(inBatch.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(worker.state()).isEqualTo(WorkerState.BUSY);
        assertThat(worker.busy()).isTrue();

        worker.finishQueuedThenEnd();
        assertThat(worker.state()).isEqualTo(WorkerState.DRAINING);
        worker.endAfterCurrentBatch();
        assertThat(worker.state()).as("retiring overrides draining").isEqualTo(WorkerState.RETIRING);
        release.countDown();
        thread.join(TimeUnit.SECONDS.toMillis(30));

        assertThat(worker.state()).isEqualTo(WorkerState.ENDED);
        assertThat(first).isCompleted();
        assertThat(second).as("left to the other workers").isNotDone();
        worker.finishQueuedThenEnd();
        assertThat(worker.state()).as("an ended worker stays ended").isEqualTo(WorkerState.ENDED);
    }
}
