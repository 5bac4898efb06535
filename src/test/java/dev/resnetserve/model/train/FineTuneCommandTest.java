package dev.resnetserve.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resnetserve.model.ModelLoadException;
import dev.resnetserve.support.Jobs;
import dev.resnetserve.support.TorchvisionExport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar resnet-serve.jar fine-tune} on the real engine: a TorchScript torchvision ResNet made by the
 * README's recipe is a base, as it is for the service's API (mode head, the module copied beside the new head), and
 * a module without the recipe's {@code features} method is refused naming the script.
 */
class FineTuneCommandTest {

    private static final Path DIR = Jobs.temporaryDirectory("fine-tune-command");

    @Test
    void aTorchScriptResNetIsFineTunedFromTheCommandLine() throws Exception {
        Path backbone = DIR.resolve("resnet18.pt");
        TorchvisionExport.resnet18(backbone);
        Path out = DIR.resolve("tv4");

        String printed = fineTune(
                Map.of("base", "file:" + backbone, "data", shapes().toString(), "out", out.toString(), "epochs", "30"));

        assertThat(printed)
                .contains("4 classes [arrow, crescent, heart, letter-t]")
                .contains("saved ");
        assertThat(out.resolve("backbone.pt")).hasSameBinaryContentAs(backbone);
        assertThat(Files.readString(out.resolve("resnet-serve.properties"), StandardCharsets.UTF_8))
                .contains("backbone=backbone.pt")
                .contains("backbone.features=512");
        assertThat(Files.readAllLines(out.resolve("synset.txt")))
                .containsExactly("arrow", "crescent", "heart", "letter-t");
    }

    @Test
    void aTorchScriptModuleWithoutFeaturesIsRefused() throws Exception {
        Path plain = Path.of("src/test/resources/fixtures/parity-strong/model.pt");
        Path out = DIR.resolve("refused");
        assertThatThrownBy(() -> fineTune(Map.of(
                        "base", "file:" + plain.toAbsolutePath(), "data", shapes().toString(), "out", out.toString())))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("without a 'features' method")
                .hasMessageContaining("scripts/export-torchvision.py");
        assertThat(out.resolve("resnet-serve.properties")).doesNotExist();
    }

    private static String fineTune(Map<String, String> options) throws Exception {
        Map<String, String> all = new HashMap<>(options);
        all.put("threads", "1");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            assertThat(new FineTuneCommand(out).run(all)).isZero();
        }
        return printed.toString(StandardCharsets.UTF_8);
    }

    /** Six square images of each of four classes the bases never saw, in ImageFolder layout. */
    private static synchronized Path shapes() throws IOException {
        Path data = DIR.resolve("shapes");
        if (Files.isDirectory(data)) {
            return data;
        }
        ShapeGenerator generator = new ShapeGenerator(11, ShapeGenerator.NOVEL_CLASSES);
        for (int i = 0; i < 6 * generator.classes().size(); i++) {
            ShapeGenerator.Sample sample = generator.squareSample(i, 160);
            Path file = data.resolve(generator.classes().get(sample.label())).resolve(i + "." + sample.format());
            Files.createDirectories(file.getParent());
            Files.write(file, sample.encoded());
        }
        return data;
    }
}
