package dev.resnetserve.model.train;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.ZooModel;
import dev.resnetserve.model.Augmentation;
import dev.resnetserve.model.ModelArtifact;
import dev.resnetserve.model.ModelDescriptor;
import dev.resnetserve.model.ModelLoader;
import dev.resnetserve.model.ModelSpec;
import dev.resnetserve.preprocess.ImageDecoder;
import dev.resnetserve.preprocess.ImageLimits;
import dev.resnetserve.preprocess.PreprocessingSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code experiment transfer [--base classpath:models/demo] [--per-class 20] [--test 200] [--seed 1001]
 * [--input-size PIXELS] [--modes head,last-stage,all]}: the
 * transfer-learning result of docs/transfer-learning.md. Four shapes the demo never saw ({@link
 * ShapeGenerator#NOVEL_CLASSES}), {@code per-class} training images each (set {@code seed}) and {@code test}
 * independent ones (set {@code seed + 1}, another random stream per image by construction); fine-tuned in each mode,
 * and the same architecture trained from scratch on the same images for the wall time head mode took; head and
 * last-stage mode with dihedral views once more, answering the mean over the eight views. Prints one
 * Markdown table row per run: validation and independent-test accuracy, and wall time. {@code input-size}: every
 * job's ({@link FineTuneOptions#inputSize}); {@code modes}: only these (the run from scratch needs head mode's time).
 */
final class TransferExperiment {

    private final PrintStream out;

    TransferExperiment(PrintStream out) {
        this.out = out;
    }

    int run(Map<String, String> options) throws Exception {
        String baseLocation = options.getOrDefault("base", "classpath:models/demo");
        int perClass = Integer.parseInt(options.getOrDefault("per-class", "20"));
        int testCount = Integer.parseInt(options.getOrDefault("test", "200"));
        long seed = Long.parseLong(options.getOrDefault("seed", "1001"));
        int inputSize = Integer.parseInt(options.getOrDefault("input-size", "0"));
        List<FineTuneMode> modes = options.containsKey("modes")
                ? java.util.Arrays.stream(options.get("modes").split(","))
                        .map(FineTuneMode::parse)
                        .toList()
                : List.of(FineTuneMode.values());
        System.setProperty("ai.djl.offline", "true");
        List<LabelledImage> training = images(seed, perClass * ShapeGenerator.NOVEL_CLASSES.size());
        List<LabelledImage> test = images(seed + 1, testCount);

        Path work = Files.createTempDirectory("resnet-serve-transfer");
        ModelLoader loader = ModelLoader.standalone(work);
        ModelSpec spec = ModelSpec.asFilesSay("base", baseLocation);
        ModelArtifact artifact = loader.locate(spec);
        ModelDescriptor descriptor = artifact.descriptor().orElseThrow();
        PreprocessingSpec preprocessing =
                descriptor.preprocessing().orElse(PreprocessingSpec.wholeImage(descriptor.inputSize()));
        FineTuner tuner = new FineTuner(new ImageDecoder(new ImageLimits(40_000_000, 65_500)), 2);
        TrainingSet set = TrainingSet.split(training, 0.15, seed);
        out.printf(
                Locale.ROOT,
                "%s: %d training, %d validation images of %s; %d test images (seed %d)%n",
                baseLocation,
                set.training().size(),
                set.validation().size(),
                set.labels(),
                test.size(),
                seed + 1);
        out.println("| run | mode | augmentation | epochs | validation | independent test | wall time |");
        out.println("|---|---|---|---|---|---|---|");
        double headSeconds = 0;
        try (ZooModel<NDList, NDList> base = loader.load(spec, artifact, Device.cpu())) {
            for (Augmentation augmentation : List.of(Augmentation.MIRROR, Augmentation.DIHEDRAL)) {
                for (FineTuneMode mode : modes) {
                    FineTuneOptions o = options(mode, null, augmentation, null, seed, inputSize);
                    double seconds =
                            runOne("fine-tuned", base, descriptor, preprocessing, set, test, o, loader, work, tuner);
                    if (mode == FineTuneMode.HEAD && augmentation == Augmentation.DIHEDRAL) {
                        headSeconds = seconds;
                    }
                }
            }
            for (FineTuneMode mode : modes) {
                if (mode == FineTuneMode.ALL) {
                    continue;
                }
                // the same jobs answering the mean over the eight views they learned from
                FineTuneOptions o = options(mode, null, Augmentation.DIHEDRAL, true, seed, inputSize);
                runOne("fine-tuned", base, descriptor, preprocessing, set, test, o, loader, work, tuner);
            }
        }
        if (!modes.contains(FineTuneMode.HEAD)) {
            return 0; // the run from scratch gets head mode's time
        }
        FineTuneOptions probe = options(FineTuneMode.ALL, 1, Augmentation.DIHEDRAL, null, seed, inputSize);
        double oneEpoch = tuner.run(
                                null,
                                descriptor,
                                new FineTuner.Task(
                                        preprocessing,
                                        set,
                                        probe,
                                        "probe",
                                        work.resolve("probe"),
                                        FineTuner.Progress.NONE))
                        .took()
                        .toMillis()
                / 1000.0;
        int epochs = (int) Math.max(1, Math.floor(headSeconds / oneEpoch));
        FineTuneOptions scratch = options(FineTuneMode.ALL, epochs, Augmentation.DIHEDRAL, null, seed, inputSize);
        runOne("from scratch", null, descriptor, preprocessing, set, test, scratch, loader, work, tuner);
        return 0;
    }

    /** A job's options: the defaults of {@code mode} but these, the set's seed and the experiment's input size. */
    private static FineTuneOptions options(
            FineTuneMode mode, Integer epochs, Augmentation augmentation, Boolean testViews, long seed, int inputSize) {
        return FineTuneOptions.of(mode, epochs, null, seed, augmentation, testViews)
                .withInputSize(inputSize);
    }

    private double runOne(
            String what,
            ZooModel<NDList, NDList> base,
            ModelDescriptor descriptor,
            PreprocessingSpec preprocessing,
            TrainingSet set,
            List<LabelledImage> test,
            FineTuneOptions o,
            ModelLoader loader,
            Path work,
            FineTuner tuner)
            throws IOException {
        String views = o.testViews() ? ", mean of its views" : "";
        Path dir = work.resolve(what.replace(' ', '-') + "-" + o.mode().wireName() + "-"
                + o.augmentation().wireName() + (o.testViews() ? "-test-views" : ""));
        FineTuner.Task task = new FineTuner.Task(preprocessing, set, o, "tuned", dir, FineTuner.Progress.NONE);
        FineTuner.Report report = tuner.run(base == null ? null : base.getBlock(), descriptor, task);
        ModelSpec tuned = ModelSpec.asFilesSay("tuned", dir.toString());
        double testAccuracy;
        try (ZooModel<NDList, NDList> model = loader.load(tuned, loader.locate(tuned), Device.cpu())) {
            testAccuracy = FineTuner.accuracy(
                    tuner.evaluate(model.getBlock(), report.labels(), test, task.modelPreprocessing()));
        }
        double seconds = report.took().toMillis() / 1000.0;
        out.printf(
                Locale.ROOT,
                "| %s | %s | %s | %d | %.1f %% | %.1f %% | %.1f s |%n",
                what,
                base == null ? "all layers, random start" : o.mode().wireName(),
                o.augmentation().wireName() + views,
                o.epochs(),
                100 * report.validationAccuracy(),
                100 * testAccuracy,
                seconds);
        return seconds;
    }

    /** {@code count} images of the novel shapes from set {@code seed}, label i % 4. */
    static List<LabelledImage> images(long seed, int count) {
        ShapeGenerator generator = new ShapeGenerator(seed, ShapeGenerator.NOVEL_CLASSES);
        List<LabelledImage> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ShapeGenerator.Sample sample = generator.sample(i);
            images.add(new LabelledImage(
                    generator.classes().get(sample.label()), seed + "-" + i + "." + sample.format(), sample.encoded()));
        }
        return images;
    }
}
