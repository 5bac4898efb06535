package dev.resnetserve.model.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.tracker.CosineTracker;
import dev.resnetserve.model.ModelArtifact;
import dev.resnetserve.model.ModelDescriptor;
import dev.resnetserve.model.ModelLoader;
import dev.resnetserve.model.ModelSpec;
import dev.resnetserve.model.resnet.Complexity;
import dev.resnetserve.model.resnet.ResNetBuilder;
import dev.resnetserve.model.resnet.ResNetSpec;
import dev.resnetserve.preprocess.ImageDecoder;
import dev.resnetserve.preprocess.ImageLimits;
import dev.resnetserve.preprocess.PreprocessingSpec;
import dev.resnetserve.preprocess.Preprocessor;
import dev.resnetserve.preprocess.RgbImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.springframework.util.FileSystemUtils;

/**
 * {@code java -jar resnet-serve.jar train [--arch resnet-demo] [--train 24000] [--val 1000] [--test 2000]
 * [--warmup 3] [--epochs 14] [--batch 32] [--lr 0.001] [--seed 42] [--input 128] [--init torch|djl]
 * [--from LOCATION] [--activation-penalty 0] [--activation-penalty-form mean|spread|class-map] [--out models/demo]
 * [--name demo]} ({@link TrainOptions}: the
 * defaults are the demo's first step): generates the shapes data set, trains on the CPU with DJL (from a model
 * this project trained, with {@code --from}; with an {@link ActivationPenalty} when its weight is above 0), reports
 * per-epoch loss/accuracy and held-out accuracy, and saves a model directory the service loads as any other
 * ({@code <name>-<epochs>.params}, {@code synset.txt}, {@code resnet-serve.properties}).
 */
public final class TrainCommand {

    private final PrintStream out;

    public TrainCommand(PrintStream out) {
        this.out = out;
    }

    public int run(Map<String, String> options) throws Exception {
        TrainOptions o = TrainOptions.from(options);
        System.setProperty("ai.djl.offline", "true");
        Engine.getEngine(ModelLoader.ENGINE).setRandomSeed((int) o.seed());
        ResNetSpec spec = ResNetSpec.named(o.architecture(), ShapeGenerator.CLASSES.size())
                .withInputSize(o.inputSize());
        PreprocessingSpec preprocessing = PreprocessingSpec.wholeImage(o.inputSize());
        out.printf(
                Locale.ROOT,
                "%s: %,d parameters, %.3f GFLOPs at %dx%d%n",
                spec.name(),
                Complexity.of(spec).parameters(),
                Complexity.of(spec).gigaFlops(),
                o.inputSize(),
                o.inputSize());

        Optional<StartFrom> from = o.from().isEmpty() ? Optional.empty() : Optional.of(StartFrom.load(o.from(), spec));
        try {
            return train(o, spec, preprocessing, from);
        } finally {
            from.ifPresent(StartFrom::close);
        }
    }

    private int train(TrainOptions o, ResNetSpec spec, PreprocessingSpec preprocessing, Optional<StartFrom> from)
            throws Exception {
        long start = System.nanoTime();
        ShapeDataset warmup = generate(
                "warm-up (square)",
                o.seed() + 3,
                o.warmupEpochs() > 0 ? o.trainSize() : 0,
                o.batch(),
                true,
                preprocessing,
                true);
        ShapeDataset train = generate(
                "training", o.seed(), o.epochs() > 0 ? o.trainSize() : 0, o.batch(), true, preprocessing, false);
        ShapeDataset validation = generate(
                o.squareValidation() ? "validation (square)" : "validation",
                o.seed() + 1,
                o.validationSize(),
                o.batch(),
                false,
                preprocessing,
                o.squareValidation());
        ShapeDataset test =
                generate("held-out test", o.seed() + 2, o.testSize(), o.batch(), false, preprocessing, false);

        try (Model model = Model.newInstance(o.name(), Device.cpu(), ModelLoader.ENGINE)) {
            SequentialBlock network = (SequentialBlock) ResNetBuilder.build(spec);
            if (o.initialisation().equals("torch")) {
                initialiseLikePyTorch(
                        network,
                        spec.widths()[spec.widths().length - 1] * spec.block().expansion());
            }
            model.setBlock(o.activationPenalty() > 0 ? new ActivationPenalty.Net(network, o.penaltyForm()) : network);
            int steps = (o.warmupEpochs() + o.epochs()) * (int) Math.ceil((double) o.trainSize() / o.batch());
            Loss loss = o.activationPenalty() > 0
                    ? new ActivationPenalty.PenalisedLoss(o.activationPenalty())
                    : Loss.softmaxCrossEntropyLoss();
            DefaultTrainingConfig config = trainingConfig(loss, o.learningRate(), steps)
                    .addTrainingListeners(TrainingListener.Defaults.logging())
                    .addTrainingListeners(new EpochReport(out));
            double accuracy;
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.setMetrics(new ai.djl.metric.Metrics());
                trainer.initialize(new Shape(1, 3, o.inputSize(), o.inputSize()));
                if (from.isPresent()) {
                    from.get().copyInto(model.getBlock());
                    out.println(from.get().provenance());
                }
                NDArray stem = model.getBlock().getParameters().valueAt(0).getArray();
                out.printf(
                        Locale.ROOT,
                        "%s: stem weights rms %.4f, max |w| %.4f%n",
                        from.isPresent() ? "start" : "initialisation " + o.initialisation(),
                        stem.square().mean().sqrt().getFloat(),
                        stem.abs().max().getFloat());
                if (o.warmupEpochs() > 0) {
                    EasyTrain.fit(trainer, o.warmupEpochs(), warmup, validation);
                }
                EasyTrain.fit(trainer, o.epochs(), train, validation);
                accuracy = accuracy(trainer, test);
            }
            model.setBlock(network); // saved as the plain network, whatever it trained inside
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            out.printf(
                    Locale.ROOT,
                    "held-out accuracy: %.2f%% on %d images (seed %d); total time %d min %d s%n",
                    accuracy * 100,
                    o.testSize(),
                    o.seed() + 2,
                    took.toMinutes(),
                    took.toSecondsPart());
            save(model, o, spec, accuracy, took, from.map(StartFrom::provenance));
        }
        return 0;
    }

    /**
     * The model {@code --from} names, loaded and checked before any work: one this project trained (not a
     * TorchScript backbone with a head), of the same layers and classes (an architecture that differs in its global
     * pooling only, {@code resnet-demo} and {@code resnet-demo-avg}, has the same weights). Its weights fit any input
     * size (the network is fully convolutional up to its global pooling), so a model can go on training at another
     * input.
     */
    private record StartFrom(String location, ModelDescriptor descriptor, ZooModel<NDList, NDList> model)
            implements AutoCloseable {

        static StartFrom load(String location, ResNetSpec net) throws IOException {
            Path work = Files.createTempDirectory("resnet-serve-train-from");
            try {
                ModelLoader loader = ModelLoader.standalone(work);
                ModelSpec spec = ModelSpec.asFilesSay("from", location);
                ModelArtifact artifact = loader.locate(spec);
                ModelDescriptor descriptor = artifact.descriptor()
                        .filter(d -> d.backbone().isEmpty())
                        .orElseThrow(() -> new IllegalArgumentException("--from " + location
                                + " is not a network trained by this project (no " + ModelDescriptor.FILE_NAME
                                + ", or a TorchScript backbone)"));
                if (descriptor.classes() != net.classes()
                        || !ResNetSpec.named(descriptor.architecture(), descriptor.classes())
                                .sameWeightsAs(net)) {
                    throw new IllegalArgumentException(String.format(
                            Locale.ROOT,
                            "--from %s is %s with %d classes, not %s with %d",
                            location,
                            descriptor.architecture(),
                            descriptor.classes(),
                            net.name(),
                            net.classes()));
                }
                return new StartFrom(location, descriptor, loader.load(spec, artifact, Device.cpu()));
            } finally {
                FileSystemUtils.deleteRecursively(work); // the weights are in memory once loaded
            }
        }

        /** Every weight and batch-norm statistic of the model into {@code block}. */
        void copyInto(ai.djl.nn.Block block) {
            FineTuner.copyParameters(model.getBlock(), block, 0);
        }

        /** What the saved model's properties say it started from. */
        String provenance() {
            return String.format(
                    Locale.ROOT,
                    "started from %s: %s, %s, input %d",
                    location,
                    descriptor.name(),
                    descriptor.architecture(),
                    descriptor.inputSize());
        }

        @Override
        public void close() {
            model.close();
        }
    }

    /**
     * PyTorch's default initialisation instead of DJL's: every convolution and linear weight U(+-1/sqrt(fan_in))
     * (PyTorch's kaiming_uniform with a = sqrt(5)), the linear bias U(+-1/sqrt(features)). DJL's default weight
     * initialiser is N(0, sqrt(2/fan_in)), about 2.45 times larger; behind batch norm a larger weight makes each
     * Adam step (about lr in size, whatever the weight's scale) a smaller relative change, and with DJL's
     * initialisation resnet-demo learned about half as fast, in PyTorch as in Java (docs/demo-model.md, "Learning
     * curves"). Batch norm stays gamma 1, beta 0 on both.
     */
    static void initialiseLikePyTorch(ai.djl.nn.Block block, int features) {
        block.setInitializer(
                new ai.djl.training.initializer.XavierInitializer(
                        ai.djl.training.initializer.XavierInitializer.RandomType.UNIFORM,
                        ai.djl.training.initializer.XavierInitializer.FactorType.IN,
                        1f),
                ai.djl.nn.Parameter.Type.WEIGHT);
        block.setInitializer(
                new ai.djl.training.initializer.UniformInitializer((float) (1 / Math.sqrt(features))),
                ai.djl.nn.Parameter.Type.BIAS);
    }

    /**
     * The loss, optimiser and evaluator the trainer uses (without its listeners): softmax cross-entropy on logits,
     * Adam as PyTorch computes it ({@link TorchAdam}) with the learning rate decaying by cosine from {@code learningRate} to a hundredth of it over
     * {@code steps} updates. {@code TrainerParityTest} checks one step of it against PyTorch.
     */
    static DefaultTrainingConfig trainingConfig(float learningRate, int steps) {
        return trainingConfig(Loss.softmaxCrossEntropyLoss(), learningRate, steps);
    }

    private static DefaultTrainingConfig trainingConfig(Loss loss, float learningRate, int steps) {
        return new DefaultTrainingConfig(loss)
                .optOptimizer(new TorchAdam(CosineTracker.builder()
                        .setBaseValue(learningRate)
                        .optFinalValue(learningRate / 100)
                        .setMaxUpdates(steps)
                        .build()))
                .addEvaluator(new Accuracy());
    }

    /**
     * {@code count} samples fitted to the model input; {@code square}: on square canvases of the input size, the
     * curriculum's first lessons (large shapes, no letterbox), which the network learns shapes from far faster.
     */
    private ShapeDataset generate(
            String what,
            long seed,
            int count,
            int batch,
            boolean shuffle,
            PreprocessingSpec preprocessing,
            boolean square) {
        ShapeGenerator generator = new ShapeGenerator(seed);
        ImageDecoder decoder = decoder();
        byte[][] images = new byte[count][];
        int[] labels = new int[count];
        AtomicInteger done = new AtomicInteger();
        IntStream.range(0, count).parallel().forEach(i -> {
            ShapeGenerator.Sample sample =
                    square ? generator.squareSample(i, preprocessing.width()) : generator.sample(i);
            images[i] = fit(decoder, sample, preprocessing);
            labels[i] = sample.label();
            int n = done.incrementAndGet();
            if (n % 2000 == 0 || n == count) {
                out.printf(Locale.ROOT, "\rgenerating %s images: %d/%d", what, n, count);
            }
        });
        out.println();
        ShapeDataset.Builder builder =
                ShapeDataset.builder().samples(images, labels, preprocessing).setSampling(batch, shuffle);
        return (shuffle ? builder.augmented(seed) : builder).build();
    }

    /**
     * The 8-bit RGB model input the trainer makes of a sample (interleaved, {@code width x height}): decoded and
     * fitted by the service's own code. {@code generate --input} writes exactly these pixels.
     */
    static byte[] fit(ImageDecoder decoder, ShapeGenerator.Sample sample, PreprocessingSpec preprocessing) {
        RgbImage rgb = decoder.decode(sample.encoded(), preprocessing.alpha(), preprocessing.background());
        return new Preprocessor().fit(rgb, preprocessing);
    }

    /** The decoder for {@link #fit}; make one before going parallel (its constructor rescans ImageIO's plugins). */
    static ImageDecoder decoder() {
        return new ImageDecoder(new ImageLimits(2_000_000, 2_048));
    }

    private static double accuracy(Trainer trainer, ShapeDataset test) throws Exception {
        long correct = 0;
        long total = 0;
        for (Batch batch : trainer.iterateDataset(test)) {
            try (batch) {
                NDList logits = trainer.evaluate(batch.getData());
                NDArray predicted = logits.singletonOrThrow().argMax(1);
                NDArray labels = batch.getLabels().singletonOrThrow().toType(predicted.getDataType(), false);
                correct += predicted.eq(labels).sum().getLong();
                total += batch.getSize();
            }
        }
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    private void save(
            Model model, TrainOptions o, ResNetSpec spec, double accuracy, Duration took, Optional<String> provenance)
            throws IOException {
        Path dir = Path.of(o.out());
        Files.createDirectories(dir);
        model.save(dir, o.name());
        Files.write(dir.resolve("synset.txt"), ShapeGenerator.CLASSES);
        Files.writeString(
                dir.resolve(ModelDescriptor.FILE_NAME),
                new ModelDescriptor(
                                o.name(),
                                spec.name(),
                                spec.classes(),
                                o.inputSize(),
                                Optional.of(PreprocessingSpec.wholeImage(o.inputSize())))
                        .toProperties(String.format(
                                Locale.ROOT,
                                "trained by: java -jar resnet-serve.jar train %s%nheld-out accuracy %.4f, %d s%s",
                                o.commandLine(),
                                accuracy,
                                took.toSeconds(),
                                provenance.map(p -> "\n" + p).orElse(""))));
        out.println("saved " + dir.toAbsolutePath());
    }
}
