package dev.resnetserve.api;

import java.time.Duration;

/**
 * What the HTTP layer accepts before anything is decoded.
 *
 * @param maxBodyBytes         request body, or one multipart file
 * @param maxImagesPerRequest  images or tensors in one request (Open Inference Protocol batches)
 * @param bodyReadTimeout      how long a raw body may take to arrive, from its first byte read to its last: a
 *                             client that trickles its body cannot hold a request thread for longer (each read
 *                             also waits at most {@code server.tomcat.connection-timeout})
 */
public record RequestLimits(long maxBodyBytes, int maxImagesPerRequest, Duration bodyReadTimeout) {

    public RequestLimits(long maxBodyBytes, int maxImagesPerRequest) {
        this(maxBodyBytes, maxImagesPerRequest, Duration.ofSeconds(30));
    }
}
