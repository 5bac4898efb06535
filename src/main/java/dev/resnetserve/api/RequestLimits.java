package dev.resnetserve.api;

/**
 * What the HTTP layer accepts before anything is decoded.
 *
 * @param maxBodyBytes         request body, or one multipart file
 * @param maxImagesPerRequest  images or tensors in one request (Open Inference Protocol batches)
 */
public record RequestLimits(long maxBodyBytes, int maxImagesPerRequest) {
}
