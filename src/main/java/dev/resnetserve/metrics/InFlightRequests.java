package dev.resnetserve.metrics;

import dev.resnetserve.serving.ConcurrentRequests;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * {@code inference_requests_in_flight}: the inference requests of every protocol that hold one of the request
 * threads lent to inference, read when Prometheus scrapes. One series per instance, the per-pod load the chart's
 * autoscaling may follow (autoscaling.metric in-flight).
 */
public final class InFlightRequests implements MeterBinder {

    private final ConcurrentRequests requests;

    public InFlightRequests(ConcurrentRequests requests) {
        this.requests = requests;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("inference.requests.in.flight", requests, ConcurrentRequests::inFlight)
                .description("Inference requests being read, decoded, queued or run, every protocol")
                .register(registry);
    }
}
