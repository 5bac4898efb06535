/**
 * Micrometer meters for Prometheus, fed through the observer interfaces of {@code serving} and {@code inference}:
 * request outcomes, stage histograms, batch sizes, and gauges that follow models as they are registered and
 * removed.
 */
package dev.resnetserve.metrics;
