package dev.resnetserve.serving;

import dev.resnetserve.inference.InferenceResult;
import java.util.List;
import java.util.function.Supplier;

/**
 * One request's clock: it times each {@link Stage} of each of its images once, runs the stage inside its
 * observation (a span, with tracing), takes queue and inference from the workers' {@link InferenceResult}, and
 * hands each image's {@link StageTimings} (response body, {@code Server-Timing}) to the
 * {@link ClassificationObserver} (the stage histogram). Used by one request thread.
 */
final class StageClock {

    private final StageObservations observations;
    private final ClassificationObserver observer;
    private final String model;
    private final String version;
    private final long start;
    private final long[][] nanos;

    /** Started now, for a request of {@code images} images to {@code model}'s {@code version}. */
    StageClock(
            StageObservations observations, ClassificationObserver observer, String model, String version, int images) {
        this.observations = observations;
        this.observer = observer;
        this.model = model;
        this.version = version;
        this.start = System.nanoTime();
        this.nanos = new long[images][Stage.values().length];
    }

    /** When the request started, in {@link System#nanoTime()}'s terms. */
    long start() {
        return start;
    }

    /** Runs one image's stage on this thread, observed and timed. */
    <T> T time(int image, Stage stage, Supplier<T> work) {
        long begin = System.nanoTime();
        T result = observations.observe(model, stage, work);
        nanos[image][stage.ordinal()] = System.nanoTime() - begin;
        return result;
    }

    /**
     * Queues the request's images and waits for them, observed as one {@link Stage#INFERENCE} span; each image's
     * queue wait and forward pass as its worker measured them.
     */
    List<InferenceResult> inference(Supplier<List<InferenceResult>> work) {
        List<InferenceResult> results = observations.observeInference(model, work);
        for (int image = 0; image < results.size(); image++) {
            nanos[image][Stage.QUEUE.ordinal()] = results.get(image).queueNanos();
            nanos[image][Stage.INFERENCE.ordinal()] = results.get(image).inferenceNanos();
        }
        return results;
    }

    /** The image is done: its total so far, its timings, told to the observer. */
    StageTimings stop(int image) {
        nanos[image][Stage.TOTAL.ordinal()] = System.nanoTime() - start;
        StageTimings timings = StageTimings.ofNanos(nanos[image]);
        observer.stagesMeasured(model, version, timings);
        return timings;
    }
}
