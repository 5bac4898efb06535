package dev.resnetserve.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.serving.ConcurrentRequests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The gauge the chart's in-flight autoscaling reads follows the request threads taken and given back. */
class InFlightRequestsTest {

    @Test
    void countsTheRequestThreadsTakenByInference() {
        ConcurrentRequests requests = new ConcurrentRequests(3);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new InFlightRequests(requests).bindTo(registry);

        assertThat(gauge(registry)).isZero();
        assertThat(requests.tryAcquireRequestThread()).isTrue();
        assertThat(requests.tryAcquireRequestThread()).isTrue();
        assertThat(gauge(registry)).isEqualTo(2);
        requests.releaseRequestThread();
        assertThat(gauge(registry)).isEqualTo(1);
    }

    private static double gauge(SimpleMeterRegistry registry) {
        return registry.get("inference.requests.in.flight").gauge().value();
    }
}
