package dev.resnetserve.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

class ModelLocatorTest {

    @TempDir
    Path work;

    @Test
    void classpathModelsUnpackPerVersion() {
        ModelLocator locator = new ModelLocator(new PathMatchingResourcePatternResolver(), work);

        Path one =
                locator.locate("demo", "1", "classpath:models/demo").directory().orElseThrow();
        Path two =
                locator.locate("demo", "2", "classpath:models/demo").directory().orElseThrow();

        assertThat(one).isNotEqualTo(two).startsWith(work);
        assertThat(one.resolve("synset.txt")).exists();
        assertThat(two.resolve("synset.txt")).exists();
    }

    @Test
    void aNameOrVersionCannotLeaveTheWorkDirectory() {
        ModelLocator locator = new ModelLocator(new PathMatchingResourcePatternResolver(), work);

        assertThatThrownBy(() -> locator.locate("..", "..", "classpath:models/demo"))
                .isInstanceOf(ModelLoadException.class);
    }

    @Test
    void onnxIsDetectedBySuffixByContentAndInADirectory() throws Exception {
        ModelLocator locator = new ModelLocator(new PathMatchingResourcePatternResolver(), work);
        byte[] onnx = java.nio.file.Files.readAllBytes(
                Path.of(getClass().getResource("/fixtures/parity/model.onnx").toURI()));
        Path models = java.nio.file.Files.createDirectories(work.resolve("models"));
        java.nio.file.Files.write(models.resolve("r18.onnx"), onnx);
        java.nio.file.Files.write(models.resolve("r18.bin"), onnx);
        Path dir = java.nio.file.Files.createDirectories(work.resolve("dir"));
        java.nio.file.Files.write(dir.resolve("weights.onnx"), onnx);

        ModelArtifact bySuffix =
                locator.locate("m", "1", models.resolve("r18.onnx").toString());
        ModelArtifact byContent =
                locator.locate("m", "1", models.resolve("r18.bin").toString());
        ModelArtifact inDirectory = locator.locate("m", "1", dir.toUri().toString());

        assertThat(bySuffix.format()).isEqualTo(ModelFormat.ONNX);
        assertThat(bySuffix.onnxFile()).hasValue(models.resolve("r18.onnx"));
        assertThat(byContent.format()).isEqualTo(ModelFormat.ONNX);
        assertThat(byContent.onnxFile()).hasValue(models.resolve("r18.bin"));
        assertThat(inDirectory.format()).isEqualTo(ModelFormat.ONNX);
        assertThat(inDirectory.onnxFile()).hasValue(dir.resolve("weights.onnx"));
    }

    @Test
    void formatOnnxPicksTheOnnxFileBesideATorchScriptOne() {
        ModelLocator locator = new ModelLocator(new PathMatchingResourcePatternResolver(), work);
        String parity = "classpath:fixtures/parity/model.pt";

        assertThat(locator.locate("p", "1", parity).format()).isEqualTo(ModelFormat.TORCHSCRIPT);
        assertThatThrownBy(() ->
                        locator.locate("p", "2", "classpath:fixtures/parity", java.util.Optional.of(ModelFormat.ONNX)))
                .as("two .onnx files there: which one is not guessed")
                .hasMessageContaining("expected one .onnx file");
    }

    @Test
    void theWeightsSizeIsTheModelFileOrTheNewestParameters() throws Exception {
        ModelLocator locator = new ModelLocator(new PathMatchingResourcePatternResolver(), work);

        ModelArtifact torchScript = locator.locate("p", "1", "classpath:fixtures/parity/model.pt");
        assertThat(torchScript.weightBytes())
                .isEqualTo(Files.size(torchScript.torchScriptFile().orElseThrow()))
                .isPositive();

        ModelArtifact demo = locator.locate("demo", "1", "classpath:models/demo");
        Path dir = demo.directory().orElseThrow();
        long params;
        try (var files = Files.list(dir)) {
            params = files.filter(f -> f.toString().endsWith(".params"))
                    .mapToLong(f -> f.toFile().length())
                    .sum();
        }
        assertThat(demo.weightBytes()).isEqualTo(params).isPositive();
        Files.write(dir.resolve("demo-0001.params"), new byte[10]); // an older, smaller epoch beside it
        assertThat(demo.weightBytes()).as("the largest .params, not their sum").isEqualTo(params);

        assertThat(ModelArtifact.remote("djl://ai.djl.pytorch/resnet").weightBytes())
                .isEqualTo(WorkerThreads.UNKNOWN_SIZE);
    }
}
