package dev.resnetserve.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WarmUpThreadTest {

    @Test
    void runsTheWarmUpOnAThreadThatHasEndedWhenItReturns() {
        AtomicReference<Thread> ranOn = new AtomicReference<>();

        WarmUpThread.runToEnd("warm-up-test", () -> ranOn.set(Thread.currentThread()));

        assertThat(ranOn.get()).isNotSameAs(Thread.currentThread());
        assertThat(ranOn.get().getName()).isEqualTo("warm-up-test");
        assertThat(ranOn.get().isAlive()).as("its OpenMP team ends with it").isFalse();
    }

    @Test
    void passesAFailedWarmUpToTheCaller() {
        IllegalStateException failure = new IllegalStateException("warm-up at batch size 3 failed");

        assertThatThrownBy(() -> WarmUpThread.runToEnd("warm-up-test", () -> {
                    throw failure;
                }))
                .isSameAs(failure);
    }

    @Test
    void waitsForTheWarmUpWhenTheCallerIsInterruptedAndKeepsTheInterrupt() {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        Thread.currentThread().interrupt();
        try {
            WarmUpThread.runToEnd("warm-up-test", () -> ranOn.set(Thread.currentThread()));

            assertThat(ranOn.get().isAlive()).isFalse();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
