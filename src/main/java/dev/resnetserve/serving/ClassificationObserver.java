package dev.resnetserve.serving;

/** Told how each classification went; implemented by the metrics, so that the API does not know about them. */
public interface ClassificationObserver {

    /** A successful classification's stage durations. */
    void stagesMeasured(String model, StageTimings timings);

    /** Every classification request, whatever its outcome, with its duration as the server saw it. */
    void requestFinished(String model, Outcome outcome, long nanos);

    /** Every explanation request ({@code /v1/models/{m}/explain}), whatever its outcome, counted apart. */
    default void explanationFinished(String model, Outcome outcome, long nanos) {}
}
