package dev.resnetserve.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waits, at most a minute, for something done in the background (loading, draining); nothing is timed. */
public final class Await {

    private Await() {}

    /** Returns once {@code condition} holds; fails the test, naming {@code what}, if it does not within a minute. */
    public static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }
}
