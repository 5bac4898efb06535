package dev.resnetserve.inference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BatchTimesTest {

    private final BatchTimes times = new BatchTimes(8);

    @Test
    void knowsNothingBeforeTheFirstBatch() {
        assertThat(times.expectedNanos(1)).isZero();
        assertThat(times.expectedNanos(8)).isZero();
    }

    @Test
    void followsTheNewestBatchesWithAFifthOfTheirWeight() {
        times.record(4, 1_000);
        times.record(4, 2_000);

        assertThat(times.expectedNanos(4)).isEqualTo(1_200);
    }

    @Test
    void scalesASizeNotRunYetFromTheNearestOneThatHas() {
        times.record(2, 1_000);
        times.record(8, 10_000);

        assertThat(times.expectedNanos(1)).isEqualTo(500);
        assertThat(times.expectedNanos(3)).as("nearest is 2").isEqualTo(1_500);
        assertThat(times.expectedNanos(6)).as("nearest is 8").isEqualTo(7_500);
        assertThat(times.expectedNanos(20))
                .as("beyond the largest batch: the largest")
                .isEqualTo(10_000);
    }

    @Test
    void ignoresSizesOutsideTheBatcherAndEmptyTimes() {
        times.record(9, 5_000);
        times.record(0, 5_000);
        times.record(1, 0);

        assertThat(times.expectedNanos(1)).isZero();
    }
}
