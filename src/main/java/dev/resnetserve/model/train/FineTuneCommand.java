package dev.resnetserve.model.train;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.ZooModel;
import dev.resnetserve.model.Augmentation;
import dev.resnetserve.model.ModelArtifact;
import dev.resnetserve.model.ModelDescriptor;
import dev.resnetserve.model.ModelLoadException;
import dev.resnetserve.model.ModelLoader;
import dev.resnetserve.model.ModelSpec;
import dev.resnetserve.model.resnet.TorchScriptFeatures;
import dev.resnetserve.preprocess.ImageDecoder;
import dev.resnetserve.preprocess.ImageLimits;
import dev.resnetserve.preprocess.PreprocessingSpec;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code java -jar resnet-serve.jar fine-tune --base LOCATION --data DIR --out DIR [--mode head|last-stage]
 * [--name NAME] [--epochs N] [--augmentation none|mirror|dihedral] [--test-views true] [--validation-split 0.15]
 * [--seed 42] [--threads 2] [--input-size PIXELS]
 * [--preprocessing imagenet|whole-image] [--test DIR]}: teaches the base model the classes of an ImageFolder
 * directory ({@code DIR/<label>/<file>}) with a progress bar, prints accuracy per class and the confusion matrix,
 * and saves the new model; {@code --test DIR}: accuracy on another directory. The base is a network trained by this
 * project (its own preprocessing) or a TorchScript module exported by {@code scripts/export-torchvision.py} (mode
 * head; {@code --preprocessing}, default {@value PreprocessingSpec#IMAGENET}), as for the service's fine-tune API.
 */
final class FineTuneCommand {

    private final PrintStream out;

    FineTuneCommand(PrintStream out) {
        this.out = out;
    }

    int run(Map<String, String> options) throws Exception {
        String base = required(options, "base");
        Path data = Path.of(required(options, "data"));
        Path outDir = Path.of(required(options, "out"));
        String name = options.getOrDefault("name", outDir.getFileName().toString());
        FineTuneOptions o = FineTuneOptions.of(
                FineTuneMode.parse(options.getOrDefault("mode", "head")),
                options.containsKey("epochs") ? Integer.valueOf(options.get("epochs")) : null,
                options.containsKey("validation-split") ? Double.valueOf(options.get("validation-split")) : null,
                options.containsKey("seed") ? Long.valueOf(options.get("seed")) : null,
                options.containsKey("augmentation") ? Augmentation.parse(options.get("augmentation")) : null,
                options.containsKey("test-views")
                        ? FineTuneOptions.flag("test-views", options.get("test-views"))
                        : null);
        if (options.containsKey("input-size")) {
            o = o.withInputSize(Integer.parseInt(options.get("input-size")));
        }
        int threads = Integer.parseInt(options.getOrDefault(
                "threads", Integer.toString(Runtime.getRuntime().availableProcessors())));
        System.setProperty("ai.djl.offline", "true");

        ImageFolder.Limits limits = new ImageFolder.Limits(100_000, 1_000, 64L << 20, 8L << 30, 1_000_000);
        List<LabelledImage> images = new ImageFolder(limits).addDirectory(data).images();
        TrainingSet set = TrainingSet.split(images, o.validationSplit(), o.seed());
        out.printf(
                Locale.ROOT,
                "%d classes %s; %d training and %d validation images; %d files skipped%n",
                set.labels().size(),
                set.labels(),
                set.training().size(),
                set.validation().size(),
                set.skipped());

        ModelLoader loader = ModelLoader.standalone(Files.createTempDirectory("resnet-serve-fine-tune"));
        ModelSpec spec = ModelSpec.asFilesSay("base", base);
        ModelArtifact artifact = loader.locate(spec);
        Optional<ModelDescriptor> descriptor = artifact.descriptor();
        Optional<Path> torchScript = artifact.torchScriptFile();
        if (descriptor.isEmpty() && torchScript.isEmpty()) {
            throw new ModelLoadException(base + " is neither a model trained by this project (no "
                    + ModelDescriptor.FILE_NAME + ") nor a local TorchScript file: fine-tuning needs one");
        }
        PreprocessingSpec preprocessing = descriptor.isPresent()
                ? descriptor
                        .get()
                        .preprocessing()
                        .orElse(PreprocessingSpec.wholeImage(descriptor.get().inputSize()))
                : PreprocessingSpec.preset(options.getOrDefault("preprocessing", PreprocessingSpec.IMAGENET));
        ImageDecoder decoder = new ImageDecoder(new ImageLimits(40_000_000, 65_500));
        FineTuner tuner = new FineTuner(decoder, threads);
        FineTuner.Report report;
        FineTuner.Task task = new FineTuner.Task(preprocessing, set, o, name, outDir, new Bar(out));
        try (ZooModel<NDList, NDList> model = loader.load(spec, artifact, Device.cpu())) {
            if (descriptor.isPresent()) {
                report = tuner.run(model.getBlock(), descriptor.get(), task);
            } else if (!TorchScriptFeatures.hasFeatures(model.getBlock())) {
                throw new ModelLoadException(base + " is a TorchScript module without a '" + TorchScriptFeatures.METHOD
                        + "' method (the penultimate features): export it with scripts/export-torchvision.py");
            } else {
                report = tuner.runOnTorchScript(model.getBlock(), torchScript.get(), task);
            }
        }
        out.println();
        out.printf(
                Locale.ROOT,
                "train accuracy %.2f%%, validation accuracy %.2f%% on %d images; %d s%n",
                100 * report.trainAccuracy(),
                report.validationAccuracy() == null ? Double.NaN : 100 * report.validationAccuracy(),
                report.validationImages(),
                report.took().toSeconds());
        report.perClass()
                .forEach((label, a) ->
                        out.printf(Locale.ROOT, "  %-20s %6.2f%%%n", label, a == null ? Double.NaN : 100 * a));
        out.println("confusion (row: true, column: predicted):");
        for (int[] row : report.confusion()) {
            out.println("  " + java.util.Arrays.toString(row));
        }
        out.println("saved " + outDir.toAbsolutePath());
        if (options.containsKey("test")) {
            List<LabelledImage> test = new ImageFolder(limits)
                    .addDirectory(Path.of(options.get("test")))
                    .images();
            ModelSpec tuned = ModelSpec.asFilesSay(name, outDir.toString());
            try (ZooModel<NDList, NDList> model = loader.load(tuned, loader.locate(tuned), Device.cpu())) {
                int[][] confusion = tuner.evaluate(model.getBlock(), report.labels(), test, task.modelPreprocessing());
                out.printf(
                        Locale.ROOT,
                        "test accuracy %.2f%% on %d images of %s%n",
                        100 * FineTuner.accuracy(confusion),
                        java.util.Arrays.stream(confusion)
                                .mapToInt(r -> java.util.stream.IntStream.of(r).sum())
                                .sum(),
                        options.get("test"));
                for (int[] row : confusion) {
                    out.println("  " + java.util.Arrays.toString(row));
                }
            }
        }
        return 0;
    }

    private static String required(Map<String, String> options, String key) {
        String value = options.get(key);
        if (value == null) {
            throw new IllegalArgumentException("fine-tune needs --" + key);
        }
        return value;
    }

    /** A one-line progress bar, redrawn in place. */
    private record Bar(PrintStream out) implements FineTuner.Progress {
        @Override
        public void embedding(int done, int total) {
            draw("embedding", done, total);
        }

        @Override
        public void training(int epoch, int epochs) {
            draw("training ", epoch, epochs);
        }

        @Override
        public boolean cancelled() {
            return false;
        }

        private void draw(String phase, int done, int total) {
            int filled = total == 0 ? 30 : 30 * done / total;
            out.printf(
                    Locale.ROOT, "\r%s [%s%s] %d/%d", phase, "#".repeat(filled), ".".repeat(30 - filled), done, total);
            if (done == total) {
                out.println();
            }
        }
    }
}
