package dev.resnetserve.inference;

import java.time.Duration;
import java.util.List;

/**
 * How a model's requests are queued, batched and spread over devices.
 *
 * @param devices        {@code cpu}, {@code gpu} (= {@code gpu0}), {@code gpu1}, ...: one pool per device
 * @param workers        predictor threads per device
 * @param queueCapacity  requests waiting for a worker before new ones are refused
 * @param batchMaxSize   most requests run together in one forward pass
 * @param batchMaxDelay  how long a worker holding a partial batch waits for more; zero: never waits
 * @param requestTimeout deadline from arrival: a request predicted to be answered after it is refused at once, one
 *                       still queued by then is dropped, never run
 * @param cpuFallback    run on the CPU when an asked-for GPU is absent, instead of failing at start
 * @param workersDerived {@code workers} was not configured: the load replaces it with {@code WorkerThreads}' rule
 *                       for the model's engine and size, once its files are local
 */
public record SchedulingSpec(
        List<String> devices,
        int workers,
        int queueCapacity,
        int batchMaxSize,
        Duration batchMaxDelay,
        Duration requestTimeout,
        boolean cpuFallback,
        boolean workersDerived) {

    public SchedulingSpec {
        devices = List.copyOf(devices);
        if (devices.isEmpty()
                || workers < 1
                || queueCapacity < 1
                || batchMaxSize < 1
                || batchMaxDelay.isNegative()
                || requestTimeout.isNegative()
                || requestTimeout.isZero()) {
            throw new IllegalArgumentException("invalid scheduling settings: " + devices + ", workers " + workers
                    + ", queue " + queueCapacity + ", batch " + batchMaxSize + "/" + batchMaxDelay
                    + ", timeout " + requestTimeout);
        }
    }
}
