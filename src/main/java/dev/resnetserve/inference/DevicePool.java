package dev.resnetserve.inference;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.ZooModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One device's copy of a model and the worker threads that run it, each with its own predictor. */
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

    void start(String modelName, List<Worker> ready) {
        for (Worker worker : ready) {
            Thread thread = new Thread(worker, "infer-" + modelName + "-" + device() + "-" + workers.size());
            thread.setDaemon(true);
            workers.add(worker);
            threads.add(thread);
            thread.start();
        }
    }

    /** Retires the newest {@code count} workers; each ends after its current batch and closes its predictor. */
    List<Thread> retire(int count) {
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

    int workerCount() {
        return workers.size();
    }

    int busyWorkers() {
        return (int) workers.stream().filter(Worker::busy).count();
    }

    /** Stops the workers once the queue is drained, waiting at most until {@code deadlineNanos}. */
    void stop(long deadlineNanos) {
        workers.forEach(Worker::finishQueuedThenEnd);
        for (Thread thread : threads) {
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
        if (threads.stream().noneMatch(Thread::isAlive)) {
            model.close(); // a thread stuck in native code keeps the model: closing it under the thread would crash
        }
    }
}
