package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.test.context.TestPropertySource;

/**
 * The pause after an explanation's last part, for the methods whose explanations have several ({@code ExplainTest}
 * sees their pauses, most of which come after earlier parts). Here every explanation is a single part: integrated
 * gradients at 4 path points (one part of {@code IntegratedGradients.CHUNK}), occlusion on a 2x2 grid (5 forward
 * passes, one part with {@code occlusion-batch} 8). So the only pause such an explanation can take is the one after
 * its last part, before it answers; without it, these fail.
 */
@TestPropertySource(
        properties = {
            "resnet.explain.integrated-gradients-steps=4",
            "resnet.explain.occlusion-grid=2",
            "resnet.explain.occlusion-batch=8"
        })
class ExplainLastPauseTest extends RunningServiceTest {

    @ParameterizedTest
    @ValueSource(strings = {"integrated-gradients", "occlusion"})
    void aSinglePartExplanationPausesAfterItWhileClassificationsArrive(String method) throws Exception {
        byte[] image = ExplainTest.shapeAt("square", 64, 64);

        assertThat(ExplainPauses.pausesWhileClassifying(client, method, image))
                .as("a pause after the only part")
                .isTrue();
    }
}
