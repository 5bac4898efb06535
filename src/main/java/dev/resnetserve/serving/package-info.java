/**
 * The serving core, the application service every protocol adapter ({@code api}'s {@code /v1} controllers,
 * {@code api.oip}, {@code api.torchserve}) calls: {@code Classifier} runs a request's stages in order (decode,
 * preprocess, queue, inference, postprocess) on the request thread, timed once per stage by a {@code StageClock}
 * that feeds the response's timings, the observations and the {@code ClassificationObserver} (the metrics);
 * {@code ConcurrentRequests} caps the request threads lent to inference. It knows no protocol: no web types, no
 * adapter.
 */
package dev.resnetserve.serving;
