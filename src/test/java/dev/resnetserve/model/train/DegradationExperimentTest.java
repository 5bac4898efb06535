package dev.resnetserve.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.training.tracker.Tracker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code experiment degradation --quick}: the full run's pipeline on a few hundred images, each of the four networks
 * trained and measured, every iteration and epoch written, and the plot drawn. The effect itself needs the full run
 * (docs/degradation.md).
 */
class DegradationExperimentTest {

    @TempDir
    Path dir;

    @Test
    void theQuickRunTrainsAllFourNetworksAndWritesTheCurvesAndThePlot() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int status = new DegradationExperiment(new PrintStream(log, true, StandardCharsets.UTF_8))
                .run(Map.of("quick", "true", "out", dir.toString()));

        assertThat(status).isZero();
        List<String> epochs = Files.readAllLines(dir.resolve("epochs.csv"));
        assertThat(epochs).hasSize(1 + 4 * 2);
        for (String network : DegradationExperiment.NETWORKS) {
            assertThat(epochs.stream().filter(l -> l.startsWith(network + ","))).hasSize(2);
        }
        for (String row : epochs.subList(1, epochs.size())) {
            String[] cells = row.split(",");
            assertThat(Double.parseDouble(cells[3])).as(row).isBetween(0.0, 1.0);
            assertThat(Double.parseDouble(cells[4])).as(row).isBetween(0.0, 1.0);
        }
        List<String> iterations = Files.readAllLines(dir.resolve("iterations.csv"));
        assertThat(iterations)
                .as("256 images in batches of 64, 2 epochs, 4 networks")
                .hasSize(1 + 4 * 8);
        String svg = Files.readString(dir.resolve("training-error.svg"));
        assertThat(svg).startsWith("<svg").contains("</svg>");
        assertThat(svg.split("class=\"training\"", -1)).hasSize(5);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("| plain-resnet56 | 56 |", "| resnet20 | 20 |");
    }

    /**
     * The schedules the runs compare: the 20-layer nets at 0.1 from the first update, divided by 10 after half and
     * three quarters of the run; the 56-layer nets first at 0.01 (constant warm-up) or rising from 0.01 to 0.1
     * (linear), then stepping down at the same iterations as the 20-layer nets.
     */
    @Test
    void theWarmUpHoldsOrRampsTheRateThenTheMainScheduleFollows() {
        DegradationExperiment experiment = new DegradationExperiment(System.out);
        experiment.configure(Map.of("warm-up", "200"));
        Tracker shallow = experiment.schedule(800, false, false);
        assertThat(shallow.getNewValue(1)).isCloseTo(0.1f, within(1e-6f));
        assertThat(shallow.getNewValue(400)).isCloseTo(0.1f, within(1e-6f));
        assertThat(shallow.getNewValue(401)).isCloseTo(0.01f, within(1e-6f));
        assertThat(shallow.getNewValue(601)).isCloseTo(0.001f, within(1e-6f));
        Tracker constant = experiment.schedule(800, true, false);
        assertThat(constant.getNewValue(1)).isCloseTo(0.01f, within(1e-6f));
        assertThat(constant.getNewValue(199)).isCloseTo(0.01f, within(1e-6f));
        assertThat(constant.getNewValue(200)).isCloseTo(0.1f, within(1e-6f));
        assertThat(constant.getNewValue(400)).isCloseTo(0.1f, within(1e-6f));
        assertThat(constant.getNewValue(401)).isCloseTo(0.01f, within(1e-6f));
        assertThat(constant.getNewValue(601)).isCloseTo(0.001f, within(1e-6f));

        experiment.configure(Map.of("warm-up", "200", "warm-up-mode", "linear"));
        Tracker linear = experiment.schedule(800, true, false);
        assertThat(linear.getNewValue(0)).isCloseTo(0.01f, within(1e-6f));
        assertThat(linear.getNewValue(100)).isCloseTo(0.055f, within(1e-6f));
        assertThat(linear.getNewValue(199)).isBetween(0.099f, 0.1f);
        assertThat(linear.getNewValue(200)).isCloseTo(0.1f, within(1e-6f));
        assertThat(linear.getNewValue(401)).isCloseTo(0.01f, within(1e-6f));
        assertThat(linear.getNewValue(601)).isCloseTo(0.001f, within(1e-6f));
        assertThat(experiment.schedule(2, true, true).getNewValue(1))
                .as("a run of two updates still has a schedule")
                .isCloseTo(0.1f, within(1e-6f));
    }

    @Test
    void badScheduleOptionsAreRefusedBeforeAnyWork() {
        DegradationExperiment experiment = new DegradationExperiment(System.out);
        assertThatThrownBy(() -> experiment.configure(Map.of("warm-up", "-1"))).hasMessageContaining("--warm-up");
        assertThatThrownBy(() -> experiment.configure(Map.of("warm-up-mode", "cosine")))
                .hasMessageContaining("constant or linear");
        assertThatThrownBy(() -> experiment.configure(Map.of("init", "xavier")))
                .hasMessageContaining("torchvision or djl");
        assertThatThrownBy(() -> experiment.configure(Map.of("augment", "no"))).hasMessageContaining("true or false");
    }

    /**
     * torchvision's initialisation, not DJL's: the classifier within PyTorch's linear bound 1/sqrt(64) (DJL's
     * N(0, 2/64) exceeds it for about half its weights), convolutions N(0, 2/fan_out) (the stem's 16x3x3x3: a
     * standard deviation of sqrt(2/144) = 0.118, against DJL's fan-in sqrt(2/27) = 0.27).
     */
    @Test
    void theNetworksStartAsTorchvisionsDo() {
        dev.resnetserve.model.resnet.ResNetSpec spec =
                dev.resnetserve.model.resnet.ResNetSpec.named("resnet20", 10).withInputSize(32);
        ai.djl.nn.Block block = dev.resnetserve.model.resnet.ResNetBuilder.build(spec);
        DegradationExperiment.initialiseLikeTorchvision(block, spec);
        try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager(
                ai.djl.Device.cpu(), dev.resnetserve.model.ModelLoader.ENGINE)) {
            block.initialize(
                    manager, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 3, 32, 32));
            var parameters = block.getParameters();
            ai.djl.ndarray.NDArray stem = parameters.get(0).getValue().getArray();
            assertThat(stem.getShape().toString()).isEqualTo("(16, 3, 3, 3)");
            float std = (float) Math.sqrt(stem.pow(2).mean().getFloat());
            assertThat(std).isCloseTo((float) Math.sqrt(2.0 / 144), within(0.02f));
            var classifier = parameters.stream()
                    .filter(p -> p.getValue().getArray().getShape().equals(new ai.djl.ndarray.types.Shape(10, 64)))
                    .findFirst()
                    .orElseThrow()
                    .getValue()
                    .getArray();
            assertThat(classifier.abs().max().getFloat()).isLessThanOrEqualTo(0.125f);
        }
    }
}
