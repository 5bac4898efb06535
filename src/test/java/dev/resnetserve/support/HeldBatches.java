package dev.resnetserve.support;

import dev.resnetserve.inference.BatchObserver;
import dev.resnetserve.metrics.InferenceMetrics;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Holds every batch inside the worker, after the forward pass and before its requests are answered, while
 * {@link #hold()} is in force: a test's way to keep a worker busy for as long as it needs, without timing. A test
 * imports {@link Configuration} to put it in place of the metrics' batch observer.
 */
public final class HeldBatches implements BatchObserver {

    private final BatchObserver metrics;
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final CountDownLatch entered = new CountDownLatch(1);

    HeldBatches(BatchObserver metrics) {
        this.metrics = metrics;
    }

    /** One that observes nothing else, for a test that builds the serving objects itself. */
    public static HeldBatches alone() {
        return new HeldBatches(BatchObserver.NONE);
    }

    public void hold() {
        gate = new CountDownLatch(1);
    }

    public void release() {
        gate.countDown();
    }

    /** Whether a batch has been held (at most a minute's wait). */
    public boolean awaitHeld() throws InterruptedException {
        return entered.await(60, TimeUnit.SECONDS);
    }

    @Override
    public void batchRun(String model, String device, int size, long nanos) {
        metrics.batchRun(model, device, size, nanos);
        CountDownLatch current = gate;
        if (current.getCount() > 0) {
            entered.countDown();
            try {
                current.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @TestConfiguration
    public static class Configuration {

        @Bean
        @Primary
        HeldBatches heldBatches(InferenceMetrics metrics) {
            return new HeldBatches(metrics);
        }
    }
}
