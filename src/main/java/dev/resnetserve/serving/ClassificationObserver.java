package dev.resnetserve.serving;

/** Told how each classification went; implemented by the metrics, so that the API does not know about them. */
public interface ClassificationObserver {

    /** Told for a request refused before a version was chosen (unknown model, body refused, no request thread). */
    String NO_VERSION = "_none";

    /** A successful classification's stage durations, by the version that answered. */
    void stagesMeasured(String model, String version, StageTimings timings);

    /**
     * Every classification request, whatever its outcome, with its duration as the server saw it, by the version
     * that served it ({@link #NO_VERSION} when it was refused before one was chosen).
     */
    void requestFinished(String model, String version, Outcome outcome, long nanos);

    /** Every explanation request ({@code /v1/models/{m}/explain}), whatever its outcome, counted apart. */
    default void explanationFinished(String model, Outcome outcome, long nanos) {}

    /**
     * A successful explanation's stages: {@link Stage#DECODE}, {@link Stage#PREPROCESS} and {@link Stage#INFERENCE}
     * (every pass the map needed, from queuing the first to the last answer, queue waits included), by the version
     * and method that made it.
     */
    default void explanationStagesMeasured(String model, String version, String method, long[] nanosByStage) {}

    /** An explanation paused {@code nanos} between two of its parts while other requests arrived for the model. */
    default void explanationPaused(String model, long nanos) {}
}
