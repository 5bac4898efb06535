package dev.resnetserve.inference;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.ZooModel;
import dev.resnetserve.model.ModelArtifact;
import dev.resnetserve.model.ModelLoader;
import dev.resnetserve.model.ModelSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-process ceiling a server can approach: {@code workers} threads, each with its own predictor on one shared
 * CPU model, running batches of an already preprocessed tensor back to back. No HTTP, no decoding, no queue.
 */
public final class PredictorCeiling {

    /** Images per second, and the median time of one batch. */
    public record Result(double imagesPerSecond, double medianBatchMs) {}

    private PredictorCeiling() {}

    public static Result measure(
            ModelLoader loader,
            ModelSpec spec,
            float[] tensor,
            int workers,
            int batch,
            Duration warmup,
            Duration measured)
            throws InterruptedException {
        ModelArtifact artifact = loader.locate(spec);
        long[] shape = {
            3,
            spec.preprocessing().orElseThrow().height(),
            spec.preprocessing().orElseThrow().width()
        };
        try (ZooModel<NDList, NDList> model = loader.load(spec, artifact, Device.cpu(), workers)) {
            List<float[]> inputs = Collections.nCopies(batch, tensor);
            List<PredictorBatchRunner> runners = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                runners.add(new PredictorBatchRunner(model, shape));
            }
            runAll(runners, inputs, warmup, new AtomicLong(), Collections.synchronizedList(new ArrayList<>()));
            AtomicLong images = new AtomicLong();
            List<Long> batchNanos = Collections.synchronizedList(new ArrayList<>());
            long start = System.nanoTime();
            runAll(runners, inputs, measured, images, batchNanos);
            double seconds = (System.nanoTime() - start) / 1e9;
            runners.forEach(PredictorBatchRunner::close);
            long[] sorted =
                    batchNanos.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Result(
                    images.get() / seconds, sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2] / 1e6);
        }
    }

    private static void runAll(
            List<PredictorBatchRunner> runners,
            List<float[]> inputs,
            Duration length,
            AtomicLong images,
            List<Long> batchNanos)
            throws InterruptedException {
        long end = System.nanoTime() + length.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (PredictorBatchRunner runner : runners) {
            Thread thread = new Thread(
                    () -> {
                        while (System.nanoTime() < end) {
                            long t0 = System.nanoTime();
                            try {
                                runner.run(inputs);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                            batchNanos.add(System.nanoTime() - t0);
                            images.addAndGet(inputs.size());
                        }
                    },
                    "ceiling");
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }
}
