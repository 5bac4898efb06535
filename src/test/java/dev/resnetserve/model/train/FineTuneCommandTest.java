package dev.resnetserve.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import dev.resnetserve.model.ModelLoadException;
import dev.resnetserve.model.ModelLoader;
import dev.resnetserve.model.ModelSpec;
import dev.resnetserve.model.resnet.ViewMean;
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

        String printed = fineTune(Map.of(
                "base",
                "file:" + backbone,
                "data",
                shapes().toString(),
                "out",
                out.toString(),
                "epochs",
                "30",
                "test-views",
                "true",
                "input-size",
                "256"));

        assertThat(printed)
                .contains("4 classes [arrow, crescent, heart, letter-t]")
                .contains("saved ");
        assertThat(out.resolve("backbone.pt")).hasSameBinaryContentAs(backbone);
        assertThat(Files.readString(out.resolve("resnet-serve.properties"), StandardCharsets.UTF_8))
                .contains("backbone=backbone.pt")
                .contains("backbone.features=512")
                .contains("test-views=mirror")
                .as("the module's ImageNet preprocessing scaled from 224 to 256")
                .contains("input-size=256")
                .contains("preprocessing.width=256")
                .contains("preprocessing.resize=" + Math.round(256 * 256 / 224.0));
        ModelLoader loader = ModelLoader.standalone(DIR.resolve("work"));
        ModelSpec spec = ModelSpec.asFilesSay("tv4", out.toString());
        try (ZooModel<NDList, NDList> model = loader.load(spec, loader.locate(spec), Device.cpu());
                NDManager manager = NDManager.newBaseManager()) {
            assertThat(model.getBlock())
                    .as("the module's head inside the mean of its views")
                    .isInstanceOf(ViewMean.class);
            NDArray answer = model.getBlock()
                    .forward(
                            new ParameterStore(manager, false),
                            new NDList(manager.zeros(new Shape(2, 3, 224, 224))),
                            false)
                    .singletonOrThrow();
            assertThat(answer.getShape()).isEqualTo(new Shape(2, 4));
        }
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
