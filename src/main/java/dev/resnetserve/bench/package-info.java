/**
 * The {@code bench} command: drives a running service over HTTP and measures the bare predictor beside it,
 * for docs/benchmarks.md. Nothing in the service depends on it.
 */
package dev.resnetserve.bench;
