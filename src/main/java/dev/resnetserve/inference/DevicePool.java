package dev.resnetserve.inference;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.ZooModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One device's copy of a model and the worker threads that run it, each with its own predictor. It owns its
 * workers: every change to them, and every read of them, holds this pool's lock (never for a warm-up).
 */
final class DevicePool {

    private final Device device;
    private final ZooModel<NDList, NDList> model;
    private final List<Worker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    DevicePool(Device device, ZooModel<NDList, NDList> model) {
        this.device = device;
        this.model = model;
    }

    ZooModel<NDList, NDList> model() {
        return model;
    }

    String device() {
        return DeviceResolver.displayName(device);
    }

    synchronized void start(String modelName, List<Worker> ready) {
        for (Worker worker : ready) {
            Thread thread = new Thread(worker, "infer-" + modelName + "-" + device() + "-" + workers.size());
            thread.setDaemon(true);
            workers.add(worker);
            threads.add(thread);
            thread.start();
        }
    }

    /**
     * Scaling, as one operation: up to {@code target} workers with new ones from {@code warm} (warmed up before
     * this pool's lock is taken, so gauges and probes never wait for a warm-up), or down by retiring the newest.
     * Returns the threads of retired workers, which end after their current batch.
     */
    List<Thread> scaleTo(String modelName, int target, java.util.function.Supplier<Worker> warm) {
        int current = workerCount();
        if (target > current) {
            List<Worker> added = new ArrayList<>();
            for (int i = current; i < target; i++) {
                added.add(warm.get());
            }
            start(modelName, added);
            return List.of();
        }
        return retire(current - target);
    }

    /** Retires the newest {@code count} workers; each ends after its current batch and closes its predictor. */
    private synchronized List<Thread> retire(int count) {
        List<Thread> ending = new ArrayList<>();
        for (int i = 0; i < count && !workers.isEmpty(); i++) {
            workers.remove(workers.size() - 1).endAfterCurrentBatch();
            ending.add(threads.remove(threads.size() - 1));
        }
        return ending;
    }

    /** Arrays alive under this device's model: the weights, plus anything a batch failed to release. */
    int liveNativeArrays() {
        return model.getNDManager().getManagedArrays().size();
    }

    synchronized int workerCount() {
        return workers.size();
    }

    synchronized int busyWorkers() {
        return (int) workers.stream().filter(Worker::busy).count();
    }

    /** Stops the workers once the queue is drained, waiting at most until {@code deadlineNanos}. */
    void stop(long deadlineNanos) {
        List<Thread> ending;
        synchronized (this) {
            workers.forEach(Worker::finishQueuedThenEnd);
            ending = List.copyOf(threads);
        }
        for (Thread thread : ending) {
            long remaining = deadlineNanos - System.nanoTime();
            try {
                if (remaining > 0) {
                    thread.join(Duration.ofNanos(remaining).toMillis() + 1);
                }
                if (thread.isAlive()) {
                    thread.interrupt();
                    thread.join(TimeUnit.SECONDS.toMillis(5));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (ending.stream().noneMatch(Thread::isAlive)) {
            model.close(); // a thread stuck in native code keeps the model: closing it under the thread would crash
        }
    }
}
