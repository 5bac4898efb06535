package dev.resnetserve.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExplainPacingTest {

    private static final long MS = 1_000_000;
    private static final long FAR = 10_000 * MS;

    @Test
    void whileOthersWaitAPartIsFollowedByAPauseThatKeepsItsShare() {
        // a part of 40 ms at share 0.5 holds the worker half the time: 40 ms of pause; at 0.25, 120 ms
        assertThat(new ExplainPacing(0.5).pauseNanos(40 * MS, 3, FAR)).isEqualTo(40 * MS);
        assertThat(new ExplainPacing(0.25).pauseNanos(40 * MS, 1, FAR)).isEqualTo(120 * MS);
    }

    @Test
    void aloneOrAtShareOneItNeverWaits() {
        assertThat(new ExplainPacing(0.5).pauseNanos(40 * MS, 0, FAR)).isZero();
        assertThat(new ExplainPacing(1).pauseNanos(40 * MS, 5, FAR)).isZero();
    }

    @Test
    void thePauseNeverOutlastsTheDeadline() {
        assertThat(new ExplainPacing(0.1).pauseNanos(100 * MS, 2, 30 * MS)).isEqualTo(30 * MS);
        assertThat(new ExplainPacing(0.1).pauseNanos(100 * MS, 2, -5 * MS)).isZero();
    }

    @Test
    void aShareOutsideItsRangeIsRefused() {
        assertThatThrownBy(() -> new ExplainPacing(0)).hasMessageContaining("share-under-load");
        assertThatThrownBy(() -> new ExplainPacing(1.5)).hasMessageContaining("share-under-load");
        assertThatThrownBy(() -> new ExplainPacing(Double.NaN)).hasMessageContaining("share-under-load");
    }
}
