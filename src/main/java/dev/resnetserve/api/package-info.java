/**
 * The {@code /v1} protocol adapter and the serving core: {@code Classifier} runs a request's stages in order
 * (decode, preprocess, queue, inference, postprocess) on the request thread, timed by one {@code StageClock};
 * the filters count every inference request's outcome, admit it before its body is read, and bound every body.
 * Errors are answered from {@code dev.resnetserve.error.ErrorCode} as RFC 9457 problem details.
 */
package dev.resnetserve.api;
