package dev.resnetserve.serving;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resnetserve.inference.InferenceResult;
import dev.resnetserve.inference.QueueFullException;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a tracing bridge would turn into spans: one child observation per stage, tagged, errors recorded.
 * TestObservationRegistry also fails on observations not started and stopped in order.
 */
class StageObservationsTest {

    private final TestObservationRegistry registry = TestObservationRegistry.create();
    private final StageObservations stages = new StageObservations(registry);

    @Test
    void eachStageIsAChildOfTheRequestObservation() {
        Observation request = Observation.start("http.server.requests", registry);
        try (Observation.Scope scope = request.openScope()) {
            stages.observe("demo", Stage.DECODE, () -> "rgb");
            stages.observeInference(
                    "demo", () -> List.of(new InferenceResult(new float[8], "cpu()", 3, 2_500_000, 9_000)));
        } finally {
            request.stop();
        }

        assertThat(registry)
                .hasNumberOfObservationsWithNameEqualTo(StageObservations.NAME, 2)
                .hasAnObservation(stage -> stage.hasContextualNameEqualTo("classify decode")
                        .hasLowCardinalityKeyValue("model", "demo")
                        .hasLowCardinalityKeyValue("stage", "decode")
                        .hasParentObservationEqualTo(request))
                .hasAnObservation(stage -> stage.hasContextualNameEqualTo("classify inference")
                        .hasHighCardinalityKeyValue("device", "cpu()")
                        .hasHighCardinalityKeyValue("batch.size", "3")
                        .hasHighCardinalityKeyValue("queue.ms", "2.5")
                        .hasHighCardinalityKeyValue("inputs", "1")
                        .hasParentObservationEqualTo(request));
    }

    @Test
    void aFailedStageRecordsItsError() {
        assertThatThrownBy(() -> stages.observeInference("demo", () -> {
                    throw new QueueFullException(64);
                }))
                .isInstanceOf(QueueFullException.class);

        assertThat(registry)
                .hasSingleObservationThat()
                .hasNameEqualTo(StageObservations.NAME)
                .hasLowCardinalityKeyValue("stage", "inference")
                .assertThatError()
                .isInstanceOf(QueueFullException.class);
    }
}
