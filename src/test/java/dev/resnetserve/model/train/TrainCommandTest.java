package dev.resnetserve.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.ZooModel;
import dev.resnetserve.model.ModelArtifact;
import dev.resnetserve.model.ModelFormat;
import dev.resnetserve.model.ModelLoader;
import dev.resnetserve.model.ModelSpec;
import dev.resnetserve.preprocess.PreprocessingSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny training run end to end: it reports epochs and held-out accuracy, and saves a model the service loads. */
class TrainCommandTest {

    @TempDir
    Path dir;

    @Test
    void trainsSavesAndTheSavedModelLoadsAsAnyOther() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path out = dir.resolve("tiny");
        int status = new TrainCommand(new PrintStream(log, true, StandardCharsets.UTF_8))
                .run(Map.of(
                        "train",
                        "64",
                        "val",
                        "16",
                        "test",
                        "16",
                        "warmup",
                        "1",
                        "epochs",
                        "1",
                        "batch",
                        "16",
                        "input",
                        "32",
                        "out",
                        out.toString(),
                        "name",
                        "tiny"));

        String printed = log.toString(StandardCharsets.UTF_8);
        assertThat(status).isZero();
        assertThat(printed).contains("epoch 1: train loss", "epoch 2: train loss", "held-out accuracy");
        assertThat(printed).as("the warm-up epoch and the full epoch").doesNotContain("epoch 3:");
        assertThat(Files.readAllLines(out.resolve("synset.txt"))).isEqualTo(ShapeGenerator.CLASSES);
        try (var files = Files.list(out)) {
            assertThat(files.map(f -> f.getFileName().toString())).anyMatch(f -> f.matches("tiny-\\d{4}\\.params"));
        }
        ModelLoader loader = ModelLoader.standalone(dir.resolve("work"));
        ModelSpec spec = new ModelSpec(
                "tiny", "1", out.toUri().toString(), Optional.empty(), Optional.empty(), Optional.empty());
        ModelArtifact artifact = loader.locate(spec);
        assertThat(artifact.format()).isEqualTo(ModelFormat.DJL_RESNET);
        assertThat(artifact.descriptor().orElseThrow().preprocessing())
                .as("saved with the model")
                .contains(PreprocessingSpec.wholeImage(32));
        assertThat(loader.labels(spec, artifact).orElseThrow().names()).isEqualTo(ShapeGenerator.CLASSES);
        try (ZooModel<NDList, NDList> model = loader.load(spec, artifact, Device.cpu());
                var predictor = model.newPredictor();
                var manager = model.getNDManager().newSubManager()) {
            NDList output = predictor.predict(new NDList(manager.zeros(new Shape(2, 3, 32, 32))));
            assertThat(output.singletonOrThrow().getShape()).isEqualTo(new Shape(2, 8));
        }
    }

    @Test
    void goesOnFromAnotherModelsWeights() throws Exception {
        // one update at a negligible rate: the held-out score is the bundled demo's own, where a new network
        // (without --from) is at chance, an eighth
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int status = new TrainCommand(new PrintStream(log, true, StandardCharsets.UTF_8))
                .run(Map.ofEntries(
                        Map.entry("from", "classpath:models/demo"),
                        Map.entry("train", "16"),
                        Map.entry("val", "16"),
                        Map.entry("test", "200"),
                        Map.entry("warmup", "0"),
                        Map.entry("epochs", "1"),
                        Map.entry("batch", "16"),
                        Map.entry("lr", "1e-9"),
                        Map.entry("input", "128"),
                        Map.entry("out", dir.resolve("from").toString()),
                        Map.entry("name", "from")));

        String printed = log.toString(StandardCharsets.UTF_8);
        assertThat(status).isZero();
        assertThat(printed).contains("started from classpath:models/demo: demo, resnet-demo, input ");
        Matcher heldOut = Pattern.compile("held-out accuracy: ([0-9.]+)%").matcher(printed);
        assertThat(heldOut.find()).as(printed).isTrue();
        assertThat(Double.parseDouble(heldOut.group(1))).isGreaterThan(85);
        assertThat(Files.readString(dir.resolve("from").resolve("resnet-serve.properties")))
                .as("what it started from, kept with the model")
                .contains("#started from classpath:models/demo: demo, resnet-demo, input ");
    }

    @Test
    void startsOnlyFromAModelOfTheSameArchitecture() {
        assertThatThrownBy(() -> new TrainCommand(
                                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                        .run(Map.of("arch", "resnet18", "from", "classpath:models/demo", "out", dir.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "--from classpath:models/demo is resnet-demo with 8 classes, not resnet18 with 8");
        assertThat(dir).isEmptyDirectory();
    }
}
