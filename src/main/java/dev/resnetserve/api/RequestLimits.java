package dev.resnetserve.api;

/** What the HTTP layer accepts before anything is decoded. */
public record RequestLimits(long maxBodyBytes) {
}
