package dev.resnetserve.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * Admission's prediction as arithmetic, without threads: the queue's expected completion time for a request with
 * {@code ahead} others queued, from batch times recorded by hand (not proportional to the batch size, so a wrong
 * batch size in the formula gives a different number), with workers and busy workers counted by hand; and the
 * count of requests a multi-image check puts ahead of its last image.
 */
class AdmissionPredictionTest {

    private static final long T1 = 1_000;
    private static final long T2 = 1_500;
    private static final long T3 = 1_800;
    private static final long T4 = 2_000;

    /** Two workers, batches of up to 4: a round is 8 requests. */
    private static InferenceQueue queue(int busy) {
        InferenceQueue queue = new InferenceQueue(64, Duration.ofSeconds(30), 4, () -> 0L);
        queue.recordBatch(1, T1);
        queue.recordBatch(2, T2);
        queue.recordBatch(3, T3);
        queue.recordBatch(4, T4);
        queue.workerStarted();
        queue.workerStarted();
        for (int i = 0; i < busy; i++) {
            queue.batchStarted();
        }
        return queue;
    }

    @Test
    void aFreeWorkerAndNothingAheadMeansNoWait() {
        assertThat(queue(0).expectedCompletionNanos(0)).isZero();
        assertThat(queue(1).expectedCompletionNanos(0)).isZero();
        InferenceQueue noWorkers = new InferenceQueue(8, Duration.ofSeconds(30), 4, () -> 0L);
        noWorkers.recordBatch(1, T1);
        assertThat(noWorkers.expectedCompletionNanos(5))
                .as("no worker yet: nothing to learn from")
                .isZero();
    }

    @Test
    void everyWorkerBusyAddsTheRunningBatchCountedWhole() {
        // its own batch of 1 behind a running batch of 1
        assertThat(queue(2).expectedCompletionNanos(0)).isEqualTo(T1 + T1);
        // 2 ahead: its own batch is the third request of a batch of 3, behind a running batch of 3
        assertThat(queue(2).expectedCompletionNanos(2)).isEqualTo(T3 + T3);
        // 17 ahead: two full rounds of batches of 4, its own batch of 2 (17 % 8 + 1), the running one of 4
        assertThat(queue(2).expectedCompletionNanos(17)).isEqualTo(T4 + 2 * T4 + T2);
    }

    @Test
    void aFreeWorkerCountsOnlyTheBatchesAhead() {
        // 5 ahead, 1 of 2 busy: no running batch counted, no full round, its own batch the full 4
        assertThat(queue(1).expectedCompletionNanos(5)).isEqualTo(T4);
        // 9 ahead: one full round, then its own batch of 2
        assertThat(queue(0).expectedCompletionNanos(9)).isEqualTo(T4 + T2);
        // 7 ahead: no full round yet (7 / 8), its own batch of 4 (min of 4 and 8)
        assertThat(queue(0).expectedCompletionNanos(7)).isEqualTo(T4);
    }

    @Test
    void aCheckForSeveralImagesPutsAllButTheLastAhead() {
        InferenceQueue oneWorker = new InferenceQueue(8, Duration.ofSeconds(30), 1, () -> 0L);
        oneWorker.recordBatch(1, 1_000_000);
        oneWorker.workerStarted();

        oneWorker.checkRoom(1, Duration.ofNanos(1)); // a free worker, nothing ahead: it starts at once
        assertThatThrownBy(() -> oneWorker.checkRoom(2, Duration.ofNanos(1)))
                .as("the second image waits 2 ms behind the first")
                .isInstanceOf(DeadlineExceededException.class);
        oneWorker.checkRoom(2, Duration.ofMillis(2));
    }

    @Test
    void whatIsLeftWhenTheModelStopsFailsWithTheReason() {
        InferenceQueue queue = new InferenceQueue(8, Duration.ofSeconds(30), 1, () -> 0L);
        var first = queue.submit(new float[] {1});
        var second = queue.submit(new float[] {2});
        queue.stopAccepting();
        assertThatThrownBy(() -> queue.submit(new float[] {3})).isInstanceOf(ModelNotReadyException.class);
        assertThatThrownBy(() -> queue.checkRoom(1)).isInstanceOf(ModelNotReadyException.class);

        queue.failRemaining(new ModelNotReadyException("stopped"));

        assertThat(queue.depth()).isZero();
        for (var future : java.util.List.of(first, second)) {
            assertThatThrownBy(future::get)
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(ModelNotReadyException.class)
                    .hasMessage("stopped");
        }
    }
}
