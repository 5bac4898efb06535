package dev.resnetserve.inference;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a warm-up on a thread of its own and returns once that thread has ended.
 *
 * <p>Why not on the loading thread: libgomp, libtorch's OpenMP, keeps a team of helper threads for every thread
 * that has run a parallel region, until that thread ends; while it counts more of them than cores, it stops
 * spinning between parallel regions, and every operator of a forward pass then waits for a futex wake-up. A
 * loading thread that had warmed a model with two intra-op threads stayed alive holding its team, which made one
 * worker with two threads 40 % slower per image than the bare predictor (docs/benchmarks.md, the one-client target).
 */
final class WarmUpThread {

    private WarmUpThread() {}

    static void runToEnd(String name, Runnable warmUp) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(
                () -> {
                    try {
                        warmUp.run();
                    } catch (RuntimeException | Error e) {
                        failure.set(e);
                    }
                },
                name);
        thread.setDaemon(true);
        thread.start();
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true; // a forward pass cannot be interrupted: wait for it, then tell the caller
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable thrown = failure.get();
        if (thrown instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (thrown instanceof Error error) {
            throw error;
        }
    }
}
