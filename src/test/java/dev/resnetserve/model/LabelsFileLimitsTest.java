package dev.resnetserve.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.FileSystemResource;

/** A labels file is bounded before it is read: an endless or huge one is refused, not loaded. */
class LabelsFileLimitsTest {

    @TempDir
    Path dir;

    @Test
    void anEndlessFileWithoutLineBreaksIsRefused() {
        assertThatThrownBy(() -> ModelLoader.read(new FileSystemResource("/dev/zero"), "file:/dev/zero"))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("larger than");
    }

    @Test
    void tooManyLinesAreRefused() throws Exception {
        Path labels = dir.resolve("labels.txt");
        Files.writeString(labels, "x\n".repeat(ModelLoader.MAX_LABELS + 1));

        assertThatThrownBy(() -> ModelLoader.read(new FileSystemResource(labels), "labels.txt"))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("more than");
    }

    @Test
    void theLargestAllowedFileLoads() throws Exception {
        Path labels = dir.resolve("labels.txt");
        Files.writeString(labels, "x\n".repeat(ModelLoader.MAX_LABELS));

        assertThat(ModelLoader.read(new FileSystemResource(labels), "labels.txt")
                        .size())
                .isEqualTo(ModelLoader.MAX_LABELS);
    }
}
