package dev.resnetserve.serving;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.inference.InferenceResult;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One clock per request feeds the response's timings, Server-Timing, the stage histogram and the spans. */
class StageClockTest {

    @Test
    void theResponseFieldsAreTheStagesInOrder() {
        assertThat(Arrays.stream(StageTimings.class.getRecordComponents()).map(RecordComponent::getName))
                .containsExactlyElementsOf(Arrays.stream(Stage.values())
                        .map(stage -> stage.label() + "Ms")
                        .toList());
        assertThat(Stage.parts())
                .containsExactly(Stage.DECODE, Stage.PREPROCESS, Stage.QUEUE, Stage.INFERENCE, Stage.POSTPROCESS);
    }

    @Test
    void serverTimingNamesEveryStage() {
        StageTimings timings = new StageTimings(1.5, 2, 3.25, 4, 0.001, 10.756);

        assertThat(timings.serverTimingHeader())
                .isEqualTo("decode;dur=1.500, preprocess;dur=2.000, "
                        + "queue;dur=3.250, inference;dur=4.000, postprocess;dur=0.001, total;dur=10.756");
        for (Stage stage : Stage.values()) {
            assertThat(timings.serverTimingHeader()).contains(stage.label() + ";dur=");
        }
    }

    @Test
    void eachStageIsTimedOnceObservedAndReported() {
        TestObservationRegistry observations = TestObservationRegistry.create();
        List<StageTimings> reported = new ArrayList<>();
        ClassificationObserver observer = new ClassificationObserver() {
            @Override
            public void stagesMeasured(String model, String version, StageTimings timings) {
                reported.add(timings);
            }

            @Override
            public void requestFinished(String model, String version, Outcome outcome, long nanos) {}
        };
        StageClock clock = new StageClock(new StageObservations(observations), observer, "demo", "1", 2);

        for (int image = 0; image < 2; image++) {
            clock.time(image, Stage.DECODE, () -> "rgb");
            clock.time(image, Stage.PREPROCESS, () -> new float[3]);
        }
        clock.inference(() -> List.of(
                new InferenceResult(new float[8], "cpu()", 2, 2_500_000, 9_000_000),
                new InferenceResult(new float[8], "cpu()", 2, 1_000_000, 9_000_000)));
        clock.time(1, Stage.POSTPROCESS, () -> new double[8]);
        StageTimings second = clock.stop(1);

        assertThat(reported).containsExactly(second);
        assertThat(second.queueMs()).isEqualTo(1.0);
        assertThat(second.inferenceMs()).isEqualTo(9.0);
        assertThat(second.totalMs())
                .isGreaterThanOrEqualTo(second.decodeMs() + second.preprocessMs() + second.postprocessMs());
        assertThat(observations)
                .hasNumberOfObservationsWithNameEqualTo(StageObservations.NAME, 6)
                .hasAnObservation(stage -> stage.hasLowCardinalityKeyValue("stage", "decode"))
                .hasAnObservation(stage -> stage.hasLowCardinalityKeyValue("stage", "preprocess"))
                .hasAnObservation(stage ->
                        stage.hasLowCardinalityKeyValue("stage", "inference").hasHighCardinalityKeyValue("inputs", "2"))
                .hasAnObservation(stage -> stage.hasContextualNameEqualTo("classify postprocess"));
    }
}
