package dev.resnetserve.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** How many request threads inference may hold: never all of them. */
class ConcurrentInferenceRequestsTest {

    @Test
    void byDefaultKeepsSixteenOfTomcatsThreadsForProbesAndMetrics() {
        assertThat(ServingConfiguration.concurrentInferenceRequests(null, 200)).isEqualTo(184);
    }

    @Test
    void aSmallPoolKeepsAQuarterAndAtLeastOneForInference() {
        assertThat(ServingConfiguration.concurrentInferenceRequests(null, 8)).isEqualTo(6);
        assertThat(ServingConfiguration.concurrentInferenceRequests(null, 1)).isEqualTo(1);
    }

    @Test
    void aConfiguredCapBelowTheThreadsIsKept() {
        assertThat(ServingConfiguration.concurrentInferenceRequests(50, 200)).isEqualTo(50);
    }

    @Test
    void aCapThatWouldTakeEveryThreadFailsTheStart() {
        assertThatThrownBy(() -> ServingConfiguration.concurrentInferenceRequests(200, 200))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("resnet.limits.max-concurrent-requests (200)")
                .hasMessageContaining("server.tomcat.threads.max (200)");
    }
}
