package dev.resnetserve.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resnetserve.preprocess.PreprocessingSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A descriptor's backbone and test views: written and read back; a backbone only ever a .pt file beside the
 * descriptor, test views only the augmentations' names.
 */
class ModelDescriptorBackboneTest {

    @TempDir
    Path model;

    @Test
    void aBackboneComesBackAsWritten() throws IOException {
        ModelDescriptor written = new ModelDescriptor(
                "tv4",
                "torchscript+linear",
                4,
                224,
                Optional.of(PreprocessingSpec.preset(PreprocessingSpec.IMAGENET)),
                Optional.of(new ModelDescriptor.Backbone("backbone.pt", 512)),
                Augmentation.DIHEDRAL);
        Files.writeString(model.resolve(ModelDescriptor.FILE_NAME), written.toProperties("test"));
        ModelDescriptor read = ModelDescriptor.readFrom(model).orElseThrow();
        assertThat(read.backbone()).contains(new ModelDescriptor.Backbone("backbone.pt", 512));
        assertThat(read.classes()).isEqualTo(4);
        assertThat(read.testViews()).isEqualTo(Augmentation.DIHEDRAL);
    }

    @Test
    void withoutTestViewsTheModelAnswersForTheImageAloneAndOtherNamesAreRefused() throws IOException {
        String plain = "name=x\narchitecture=resnet-demo\nclasses=4\ninput-size=64\n";
        Files.writeString(model.resolve(ModelDescriptor.FILE_NAME), plain);
        assertThat(ModelDescriptor.readFrom(model).orElseThrow().testViews()).isEqualTo(Augmentation.NONE);
        assertThat(ModelDescriptor.readFrom(model).orElseThrow().toProperties("x"))
                .doesNotContain("test-views");

        Files.writeString(model.resolve(ModelDescriptor.FILE_NAME), plain + "test-views=mirror\n");
        assertThat(ModelDescriptor.readFrom(model).orElseThrow().testViews()).isEqualTo(Augmentation.MIRROR);

        Files.writeString(
                model.resolve(ModelDescriptor.FILE_NAME),
                plain + "test-views=dihedral\npreprocessing.mode=PAD\npreprocessing.resize=64\n"
                        + "preprocessing.width=64\npreprocessing.height=48\npreprocessing.mean=0.5,0.5,0.5\n"
                        + "preprocessing.std=0.5,0.5,0.5\npreprocessing.alpha=COMPOSITE\n"
                        + "preprocessing.background=#FFFFFF\n");
        assertThatThrownBy(() -> ModelDescriptor.readFrom(model))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("test-views dihedral")
                .hasMessageContaining("64x48");

        Files.writeString(model.resolve(ModelDescriptor.FILE_NAME), plain + "test-views=crops\n");
        assertThatThrownBy(() -> ModelDescriptor.readFrom(model))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("test-views must be none, mirror or dihedral, not 'crops'");
    }

    @Test
    void aBackboneOutsideTheModelDirectoryOrOutOfBoundsIsRefused() throws IOException {
        for (String[] bad : new String[][] {
            {"../../etc/evil.pt", "512"},
            {"/etc/evil.pt", "512"},
            {"sub/evil.pt", "512"},
            {".hidden.pt", "512"},
            {"backbone.so", "512"},
            {"backbone.pt", "0"},
            {"backbone.pt", "100000"}
        }) {
            Files.writeString(
                    model.resolve(ModelDescriptor.FILE_NAME),
                    "name=x\narchitecture=torchscript+linear\nclasses=4\ninput-size=224\nbackbone=" + bad[0]
                            + "\nbackbone.features=" + bad[1] + "\n");
            assertThatThrownBy(() -> ModelDescriptor.readFrom(model))
                    .as(bad[0] + " " + bad[1])
                    .isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("backbone");
        }
    }
}
