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
     * (linear), their main schedule shifted by the warm-up.
     */
    @Test
    void theWarmUpHoldsOrRampsTheRateThenTheMainScheduleFollows() {
        DegradationExperiment experiment = new DegradationExperiment(System.out);
        experiment.configureSchedule(Map.of("warm-up", "200"));
        Tracker shallow = experiment.schedule(800, false, false);
        assertThat(shallow.getNewValue(1)).isCloseTo(0.1f, within(1e-6f));
        assertThat(shallow.getNewValue(400)).isCloseTo(0.1f, within(1e-6f));
        assertThat(shallow.getNewValue(401)).isCloseTo(0.01f, within(1e-6f));
        assertThat(shallow.getNewValue(601)).isCloseTo(0.001f, within(1e-6f));
        Tracker constant = experiment.schedule(800, true, false);
        assertThat(constant.getNewValue(1)).isCloseTo(0.01f, within(1e-6f));
        assertThat(constant.getNewValue(199)).isCloseTo(0.01f, within(1e-6f));
        assertThat(constant.getNewValue(200)).isCloseTo(0.1f, within(1e-6f));
        assertThat(constant.getNewValue(600)).isCloseTo(0.1f, within(1e-6f));
        assertThat(constant.getNewValue(601)).isCloseTo(0.01f, within(1e-6f));

        experiment.configureSchedule(Map.of("warm-up", "200", "warm-up-mode", "linear"));
        Tracker linear = experiment.schedule(800, true, false);
        assertThat(linear.getNewValue(0)).isCloseTo(0.01f, within(1e-6f));
        assertThat(linear.getNewValue(100)).isCloseTo(0.055f, within(1e-6f));
        assertThat(linear.getNewValue(199)).isBetween(0.099f, 0.1f);
        assertThat(linear.getNewValue(200)).isCloseTo(0.1f, within(1e-6f));
        assertThat(linear.getNewValue(601)).isCloseTo(0.01f, within(1e-6f));
    }

    @Test
    void badScheduleOptionsAreRefusedBeforeAnyWork() {
        DegradationExperiment experiment = new DegradationExperiment(System.out);
        assertThatThrownBy(() -> experiment.configureSchedule(Map.of("warm-up", "-1")))
                .hasMessageContaining("--warm-up");
        assertThatThrownBy(() -> experiment.configureSchedule(Map.of("warm-up-mode", "cosine")))
                .hasMessageContaining("constant or linear");
    }
}
