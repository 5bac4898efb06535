package dev.resnetserve.model.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.resnetserve.error.ServiceException;
import dev.resnetserve.model.Augmentation;
import dev.resnetserve.model.ModelDescriptor;
import dev.resnetserve.model.ModelLoader;
import dev.resnetserve.model.resnet.ResNetBuilder;
import dev.resnetserve.model.resnet.ResNetSpec;
import dev.resnetserve.model.resnet.TorchScriptFeatures;
import dev.resnetserve.model.resnet.TorchScriptHead;
import dev.resnetserve.model.resnet.ViewMean;
import dev.resnetserve.preprocess.ImageDecoder;
import dev.resnetserve.preprocess.PreprocessingSpec;
import dev.resnetserve.preprocess.Preprocessor;
import dev.resnetserve.preprocess.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Teaches a network trained by this project new classes: the base's weights up to the part being trained are
 * frozen, every image goes through that frozen part once (plus its mirror image, for training), and only the rest
 * learns, from those cached activations. {@link FineTuneMode#HEAD} trains a new linear classifier on the
 * penultimate features; {@link FineTuneMode#LAST_STAGE} the last residual stage too. The result is a whole network
 * of the base's architecture with the new classes, saved as a model directory the service loads as any other.
 */
public final class FineTuner {

    /** Where a job is; called from the job's thread. */
    public interface Progress {
        void embedding(int done, int total);

        void training(int epoch, int epochs);

        /** Checked between batches: true ends the job with a {@link CancellationException}. */
        boolean cancelled();

        /** Reports nothing and never cancels. */
        Progress NONE = new Progress() {
            @Override
            public void embedding(int done, int total) {}

            @Override
            public void training(int epoch, int epochs) {}

            @Override
            public boolean cancelled() {
                return false;
            }
        };
    }

    /**
     * What the job learned, measured on the images it trained on and on the held-out ones.
     *
     * @param validationAccuracy null when nothing was held out
     * @param perClass  validation accuracy per class (null for a class with no held-out image)
     * @param confusion validation counts, row: true class, column: predicted class, in the order of labels
     * @param images    images used (after skipping)
     * @param skipped   files skipped: not images, copies, or images that did not decode
     */
    public record Report(
            List<String> labels,
            double trainAccuracy,
            Double validationAccuracy,
            Map<String, Double> perClass,
            int[][] confusion,
            int images,
            int skipped,
            int trainingImages,
            int validationImages,
            Duration took) {}

    /**
     * What to teach and where the result goes, whatever the base.
     *
     * @param preprocessing the base model's, reused for the new one (scaled to the options' input size if they give
     *     one: {@link #modelPreprocessing})
     * @param set the labelled images, split into training and validation
     * @param name the new model's name
     * @param out the directory the new model is written to
     * @param progress told of each step; asked whether to stop
     */
    public record Task(
            PreprocessingSpec preprocessing,
            TrainingSet set,
            FineTuneOptions options,
            String name,
            Path out,
            Progress progress) {

        /** The new model's preprocessing, which training and validation use too. */
        public PreprocessingSpec modelPreprocessing() {
            return options.preprocessingFrom(preprocessing);
        }
    }

    private static final int EMBEDDING_BATCH = 16;
    /**
     * Input pixels of one embedding pass at most: 16 images of 8 views at 224x224 (a ResNet-50 base on its own
     * preprocessing). A larger input size ({@link FineTuneOptions#inputSize}) embeds fewer images at a time, so a
     * job's transient memory does not grow with the square of the size a client asks for.
     */
    static final long MAX_PIXELS_PER_PASS = 16L * 8 * 224 * 224;
    /** The TorchScript module's file in a model fine-tuned from one. */
    public static final String BACKBONE_FILE = "backbone.pt";

    private final ImageDecoder decoder;
    private final Preprocessor preprocessor = new Preprocessor();
    private final int threads;

    /**
     * @param decoder decodes the training images with the service's limits
     * @param threads decode and preprocess threads of one job (the network's own operators use the engine's)
     */
    public FineTuner(ImageDecoder decoder, int threads) {
        this.decoder = decoder;
        this.threads = threads;
    }

    /**
     * Fine-tunes {@code baseModel} (a network built by {@link ResNetBuilder} for {@code baseDescriptor}, weights
     * loaded, or such a network with test views, {@link ViewMean}, whose network is the base; null: a network of that
     * architecture trained from scratch, as PyTorch initialises it) on {@code set} and saves the new model as
     * {@code out/<name>-0000.params}, {@code synset.txt} and {@code resnet-serve.properties}.
     */
    public Report run(Block baseModel, ModelDescriptor baseDescriptor, Task task) throws IOException {
        long start = System.nanoTime();
        Block base = baseModel == null ? null : ViewMean.network(baseModel); // a base with test views: its network
        PreprocessingSpec preprocessing = task.modelPreprocessing();
        TrainingSet set = task.set();
        FineTuneOptions options = task.options();
        ResNetSpec spec = ResNetSpec.named(
                        baseDescriptor.architecture(), set.labels().size())
                .withInputSize(options.inputSizeFrom(baseDescriptor.inputSize()));
        try (Model tuned = Model.newInstance(task.name(), Device.cpu(), ModelLoader.ENGINE)) {
            Block net = ResNetBuilder.build(spec);
            tuned.setBlock(net);
            NDManager manager = tuned.getNDManager();
            if (base == null) {
                Engine.getEngine(ModelLoader.ENGINE).setRandomSeed((int) options.seed());
                TrainCommand.initialiseLikePyTorch(
                        net,
                        spec.widths()[spec.widths().length - 1] * spec.block().expansion());
            }
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, spec.inputSize(), spec.inputSize()));
            if (base != null) {
                copyParameters(base, net, 2);
            }
            List<Block> children = new ArrayList<>(net.getChildren().values());
            initialiseClassifier(children.get(children.size() - 1), options.seed());
            int split = switch (options.mode()) {
                case HEAD -> children.size() - 1;
                case LAST_STAGE -> ResNetBuilder.lastStageStart(ResNetSpec.named(baseDescriptor.architecture(), 1));
                case ALL -> 0;
            };
            SequentialBlock frozen = new SequentialBlock();
            children.subList(0, split).forEach(frozen::add);
            SequentialBlock trained = new SequentialBlock();
            children.subList(split, children.size()).forEach(trained::add);
            return fit(
                    frozen,
                    trained,
                    manager,
                    task,
                    start,
                    () -> save(
                            tuned,
                            task.name(),
                            spec,
                            preprocessing,
                            set.labels(),
                            task.out(),
                            baseDescriptor,
                            options));
        }
    }

    /**
     * Teaches a TorchScript torchvision ResNet exported by {@code scripts/export-torchvision.py} ({@code backbone},
     * loaded from {@code backboneFile}) new classes, in mode head only: its {@code features} method runs once over
     * each image view, a new linear classifier learns from them. The new model is the module's file copied beside a
     * {@link TorchScriptHead}'s parameters (the classifier's), {@code synset.txt} and {@code resnet-serve.properties}
     * naming the module as its backbone.
     */
    public Report runOnTorchScript(Block backbone, Path backboneFile, Task task) throws IOException {
        PreprocessingSpec preprocessing = task.modelPreprocessing();
        TrainingSet set = task.set();
        FineTuneOptions options = task.options();
        String name = task.name();
        Path out = task.out();
        if (options.mode() != FineTuneMode.HEAD) {
            throw new IllegalArgumentException("a TorchScript base is fine-tuned in mode head only, not "
                    + options.mode().wireName());
        }
        long start = System.nanoTime();
        try (Model tuned = Model.newInstance(name, Device.cpu(), ModelLoader.ENGINE)) {
            NDManager manager = tuned.getNDManager();
            int features = Math.toIntExact(
                    TorchScriptFeatures.sizeOf(backbone, manager, preprocessing.height(), preprocessing.width()));
            if (features > ModelDescriptor.MAX_BACKBONE_FEATURES) {
                throw new IllegalArgumentException("the TorchScript module answers " + features + " features, more"
                        + " than " + ModelDescriptor.MAX_BACKBONE_FEATURES);
            }
            TorchScriptHead net = new TorchScriptHead(
                    new TorchScriptFeatures(backbone, features), set.labels().size());
            tuned.setBlock(net);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, preprocessing.height(), preprocessing.width()));
            List<Block> children = new ArrayList<>(net.getChildren().values());
            initialiseClassifier(children.get(1), options.seed());
            SequentialBlock frozen = new SequentialBlock().add(children.get(0));
            SequentialBlock trained = new SequentialBlock().add(children.get(1));
            return fit(frozen, trained, manager, task, start, () -> {
                Files.createDirectories(out);
                tuned.save(out, name);
                Files.copy(backboneFile, out.resolve(BACKBONE_FILE));
                Files.write(out.resolve("synset.txt"), set.labels());
                Files.writeString(
                        out.resolve(ModelDescriptor.FILE_NAME),
                        new ModelDescriptor(
                                        name,
                                        "torchscript+linear",
                                        set.labels().size(),
                                        preprocessing.width(),
                                        Optional.of(preprocessing),
                                        Optional.of(new ModelDescriptor.Backbone(BACKBONE_FILE, features)),
                                        options.answeredViews())
                                .toProperties(String.format(
                                        Locale.ROOT,
                                        "fine-tuned from the TorchScript module %s, mode head, %d epochs, seed %d",
                                        backboneFile.getFileName(),
                                        options.epochs(),
                                        options.seed())));
            });
        }
    }

    /** Writes the new model once it has learned. */
    private interface Saver {
        void save() throws IOException;
    }

    /** Embeds the images with {@code frozen}, trains {@code trained} on them, measures, saves. */
    private Report fit(Block frozen, SequentialBlock trained, NDManager manager, Task task, long start, Saver saver)
            throws IOException {
        PreprocessingSpec preprocessing = task.modelPreprocessing();
        TrainingSet set = task.set();
        FineTuneOptions options = task.options();
        Progress progress = task.progress();
        try (NDManager cache = manager.newSubManager()) {
            AtomicInteger skipped = new AtomicInteger(set.skipped());
            Augmentation views = options.augmentation();
            // a model with test views is validated as it will answer: the mean over each image's views
            Augmentation validationViews = options.answeredViews();
            int total = views.views() * set.training().size()
                    + validationViews.views() * set.validation().size();
            AtomicInteger done = new AtomicInteger();
            Embedded training =
                    embed(frozen, set, set.training(), views, preprocessing, cache, skipped, done, total, progress);
            Embedded validation = embed(
                    frozen,
                    set,
                    set.validation(),
                    validationViews,
                    preprocessing,
                    cache,
                    skipped,
                    done,
                    total,
                    progress);
            requireEveryClass(set.labels(), training);
            train(trained, training, options, cache, progress);
            int[][] trainConfusion = confusion(trained, training, set.labels().size(), cache, 1);
            int[][] confusion = confusion(trained, validation, set.labels().size(), cache, validationViews.views());
            int validationImages = validation.count() / validationViews.views();
            Map<String, Double> perClass = new LinkedHashMap<>();
            for (int c = 0; c < set.labels().size(); c++) {
                int row = IntStream.of(confusion[c]).sum();
                perClass.put(set.labels().get(c), row == 0 ? null : (double) confusion[c][c] / row);
            }
            saver.save();
            return new Report(
                    set.labels(),
                    accuracy(trainConfusion),
                    validationImages == 0 ? null : accuracy(confusion),
                    perClass,
                    confusion,
                    training.count() / views.views() + validationImages,
                    skipped.get(),
                    training.count() / views.views(),
                    validationImages,
                    Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /**
     * Classifies {@code images} with a whole network ({@code net}, classes in the order of {@code labels}) and
     * counts the outcomes: row true class, column predicted. Images whose label is not among {@code labels} or that
     * do not decode are left out.
     */
    public int[][] evaluate(Block net, List<String> labels, List<LabelledImage> images, PreprocessingSpec p) {
        TrainingSet set = new TrainingSet(
                labels,
                List.of(),
                images.stream().filter(i -> labels.contains(i.label())).toList(),
                0);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), ModelLoader.ENGINE)) {
            Embedded logits = embed(
                    net,
                    set,
                    set.validation(),
                    Augmentation.NONE,
                    p,
                    manager,
                    new AtomicInteger(),
                    new AtomicInteger(),
                    0,
                    Progress.NONE);
            int[][] counts = new int[labels.size()][labels.size()];
            long[] predicted = logits.count() == 0
                    ? new long[0]
                    : logits.inputs().argMax(1).toLongArray();
            for (int i = 0; i < predicted.length; i++) {
                counts[logits.labels()[i]][(int) predicted[i]]++;
            }
            return counts;
        }
    }

    /**
     * Bytes of activations the frozen part makes of one image view, cached while the job trains: the penultimate
     * features for {@link FineTuneMode#HEAD}, the last stage's input for {@link FineTuneMode#LAST_STAGE}.
     */
    public static long cachedBytesPerView(ModelDescriptor base, FineTuneOptions options) {
        int input = options.inputSizeFrom(base.inputSize());
        FineTuneMode mode = options.mode();
        ResNetSpec spec = ResNetSpec.named(base.architecture(), 1).withInputSize(input);
        int stages = spec.widths().length;
        int expansion = spec.block().expansion();
        if (mode == FineTuneMode.ALL) {
            return 4L * 3 * input * input;
        }
        if (mode == FineTuneMode.HEAD || stages == 1) {
            return 4L * spec.widths()[stages - 1] * expansion;
        }
        int stemStride = switch (spec.stem()) {
            case IMAGENET -> 4;
            case SMALL -> 2;
            case CIFAR -> 1;
        };
        long side = (long) Math.ceil(input / (double) (stemStride << (stages - 2)));
        return 4L * spec.widths()[stages - 2] * expansion * side * side;
    }

    /** Right answers over all of a confusion matrix. */
    public static double accuracy(int[][] confusion) {
        long right = 0;
        long all = 0;
        for (int c = 0; c < confusion.length; c++) {
            right += confusion[c][c];
            all += IntStream.of(confusion[c]).sum();
        }
        return all == 0 ? Double.NaN : (double) right / all;
    }

    /** Cached activations of the frozen part, one row per view of an image (an image's views follow each other). */
    record Embedded(NDArray inputs, int[] labels) {
        int count() {
            return labels.length;
        }
    }

    Embedded embed(
            Block frozen,
            TrainingSet set,
            List<LabelledImage> images,
            Augmentation augmentation,
            PreprocessingSpec preprocessing,
            NDManager cache,
            AtomicInteger skipped,
            AtomicInteger done,
            int total,
            Progress progress) {
        // the cache is data: embedding records no autograd graph, whatever this thread's grad mode (libtorch's is
        // per thread, on by default). Jobs that crashed the service (SIGSEGV in oneDNN, classification running
        // beside them) had their first training step run backward through the frozen convolutions
        // (docs/transfer-learning.md, "Classification while a job runs")
        JniUtils.setGradMode(false);
        List<NDArray> batches = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        ParameterStore parameters = new ParameterStore(cache, false);
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            int perPass = imagesPerPass(augmentation.views(), preprocessing);
            for (int from = 0; from < images.size(); from += perPass) {
                checkCancelled(progress);
                List<LabelledImage> chunk = images.subList(from, Math.min(images.size(), from + perPass));
                List<List<float[]>> tensors = pool.submit(() -> chunk.parallelStream()
                                .map(image -> views(image, augmentation, preprocessing))
                                .toList())
                        .join();
                List<float[]> inputs = new ArrayList<>();
                for (int i = 0; i < chunk.size(); i++) {
                    if (tensors.get(i).isEmpty()) {
                        skipped.incrementAndGet();
                        done.addAndGet(augmentation.views());
                        continue;
                    }
                    for (float[] view : tensors.get(i)) {
                        inputs.add(view);
                        labels.add(set.labelOf(chunk.get(i)));
                    }
                }
                if (!inputs.isEmpty()) {
                    batches.add(forward(frozen, parameters, inputs, preprocessing, cache));
                }
                progress.embedding(done.addAndGet(inputs.size()), total);
            }
        } finally {
            pool.shutdown();
        }
        NDArray all = batches.isEmpty()
                ? cache.create(new Shape(0))
                : batches.size() == 1 ? batches.get(0) : NDArrays.concat(new NDList(batches));
        return new Embedded(all, labels.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Images embedded in one pass: 16, fewer where their views would exceed {@link #MAX_PIXELS_PER_PASS}. */
    static int imagesPerPass(int views, PreprocessingSpec p) {
        long pixels = (long) views * p.width() * p.height();
        return (int) Math.max(1, Math.min(EMBEDDING_BATCH, MAX_PIXELS_PER_PASS / pixels));
    }

    private static NDArray forward(
            Block frozen, ParameterStore parameters, List<float[]> inputs, PreprocessingSpec p, NDManager cache) {
        int size = 3 * p.height() * p.width();
        float[] batch = new float[inputs.size() * size];
        for (int i = 0; i < inputs.size(); i++) {
            System.arraycopy(inputs.get(i), 0, batch, i * size, size);
        }
        try (NDManager scope = cache.newSubManager()) {
            NDArray x = scope.create(batch, new Shape(inputs.size(), 3, p.height(), p.width()));
            NDArray activations =
                    frozen.forward(parameters, new NDList(x), false).singletonOrThrow();
            activations.attach(cache);
            return activations;
        }
    }

    /**
     * The input tensors of the image's views, or none when it does not decode (counted as skipped, as a non-image
     * is). The views are made of the fitted 8-bit image, before normalisation, as the model would see them.
     */
    private List<float[]> views(LabelledImage image, Augmentation augmentation, PreprocessingSpec p) {
        byte[] fitted;
        try {
            RgbImage rgb = decoder.decode(image.bytes(), p.alpha(), p.background());
            fitted = preprocessor.fit(rgb, p);
        } catch (ServiceException undecodable) {
            return List.of();
        }
        List<float[]> views = new ArrayList<>();
        for (int t = 0; t < augmentation.views(); t++) {
            views.add(preprocessor.normalise(Dihedral.apply(fitted, p.width(), p.height(), t), p));
        }
        return views;
    }

    private static void requireEveryClass(List<String> labels, Embedded training) {
        boolean[] present = new boolean[labels.size()];
        for (int label : training.labels()) {
            present[label] = true;
        }
        List<String> missing = IntStream.range(0, labels.size())
                .filter(c -> !present[c])
                .mapToObj(labels::get)
                .toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    "no training image of these classes could be decoded: " + String.join(", ", missing));
        }
    }

    private static void train(
            SequentialBlock trained, Embedded data, FineTuneOptions o, NDManager cache, Progress progress) {
        int n = data.count();
        int stepsPerEpoch = (n + o.batch() - 1) / o.batch();
        try (Model model = Model.newInstance("fine-tune", Device.cpu(), ModelLoader.ENGINE)) {
            model.setBlock(trained);
            // the trained part's parameters already hold the base's weights and the new classifier's: no initialize
            try (Trainer trainer =
                    model.newTrainer(TrainCommand.trainingConfig(o.learningRate(), o.epochs() * stepsPerEpoch))) {
                SplittableRandom random = ShapeGenerator.stream(o.seed(), -1);
                int[] order = IntStream.range(0, n).toArray();
                for (int epoch = 1; epoch <= o.epochs(); epoch++) {
                    for (int i = n - 1; i > 0; i--) {
                        int j = random.nextInt(i + 1);
                        int t = order[i];
                        order[i] = order[j];
                        order[j] = t;
                    }
                    for (int from = 0; from < n; from += o.batch()) {
                        checkCancelled(progress);
                        int to = Math.min(n, from + o.batch());
                        try (NDManager step = cache.newSubManager()) {
                            long[] rows = new long[to - from];
                            float[] labels = new float[to - from];
                            for (int k = from; k < to; k++) {
                                rows[k - from] = order[k];
                                labels[k - from] = data.labels()[order[k]];
                            }
                            NDArray x = data.inputs().get(step.create(rows));
                            x.attach(step);
                            NDArray y = step.create(labels);
                            try (GradientCollector gradients = trainer.newGradientCollector()) {
                                NDList logits = trainer.forward(new NDList(x));
                                NDArray loss = trainer.getLoss().evaluate(new NDList(y), logits);
                                gradients.backward(loss);
                            }
                            // the collector restores the grad mode it found, which on a thread of its own is on
                            JniUtils.setGradMode(false);
                            trainer.step();
                        }
                    }
                    progress.training(epoch, o.epochs());
                }
            }
        }
    }

    /**
     * Counts {@code trained}'s answers on {@code data}, whose rows are {@code views} consecutive views of each image:
     * an image's answer is the class of the highest mean probability over its views (as {@code ViewMean} answers).
     * Row: true class, column: predicted class.
     */
    private static int[][] confusion(Block trained, Embedded data, int classes, NDManager cache, int views) {
        int[][] counts = new int[classes][classes];
        ParameterStore parameters = new ParameterStore(cache, false);
        int rows = EMBEDDING_BATCH * views;
        for (int from = 0; from < data.count(); from += rows) {
            int to = Math.min(data.count(), from + rows);
            try (NDManager scope = cache.newSubManager()) {
                NDArray x = data.inputs().get(from + ":" + to);
                x.attach(scope);
                long[] predicted = trained.forward(parameters, new NDList(x), false)
                        .singletonOrThrow()
                        .softmax(1)
                        .reshape((to - from) / views, views, classes)
                        .mean(new int[] {1})
                        .argMax(1)
                        .toLongArray();
                for (int i = 0; i < predicted.length; i++) {
                    counts[data.labels()[from + i * views]][(int) predicted[i]]++;
                }
            }
        }
        return counts;
    }

    /**
     * Every parameter of {@code base} into {@code net} but the last {@code leftOut} (2: the classifier's weight and
     * bias), batch-norm running statistics included. Both were built from the same architecture, so they pair in
     * order.
     */
    static void copyParameters(Block base, Block net, int leftOut) {
        PairList<String, Parameter> from = base.getParameters();
        PairList<String, Parameter> to = net.getParameters();
        if (from.size() != to.size()) {
            throw new IllegalArgumentException("the base network has " + from.size() + " parameters, the new one "
                    + to.size() + ": not the same architecture");
        }
        for (int i = 0; i < to.size() - leftOut; i++) {
            NDArray source = from.valueAt(i).getArray();
            NDArray target = to.valueAt(i).getArray();
            if (!source.getShape().equals(target.getShape())) {
                throw new IllegalArgumentException("parameter " + to.keyAt(i) + " is " + source.getShape()
                        + " in the base network, " + target.getShape() + " in the new one");
            }
            source.copyTo(target);
        }
    }

    /**
     * The new classifier as PyTorch initialises a linear layer (weight and bias U(+-1/sqrt(features))), drawn from
     * the job's seed, so that the same job trains the same model.
     */
    static void initialiseClassifier(Block classifier, long seed) {
        SplittableRandom random = ShapeGenerator.stream(seed, -2);
        PairList<String, Parameter> parameters = classifier.getParameters();
        double bound =
                1 / Math.sqrt(parameters.get("weight").getArray().getShape().get(1));
        for (Pair<String, Parameter> parameter : parameters) {
            NDArray array = parameter.getValue().getArray();
            float[] values = new float[(int) array.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextDouble(-bound, bound);
            }
            array.set(values);
        }
    }

    private static void save(
            Model tuned,
            String name,
            ResNetSpec spec,
            PreprocessingSpec preprocessing,
            List<String> labels,
            Path out,
            ModelDescriptor base,
            FineTuneOptions options)
            throws IOException {
        Files.createDirectories(out);
        tuned.save(out, name);
        Files.write(out.resolve("synset.txt"), labels);
        Files.writeString(
                out.resolve(ModelDescriptor.FILE_NAME),
                new ModelDescriptor(name, spec.name(), labels.size(), spec.inputSize(), Optional.of(preprocessing))
                        .withTestViews(options.answeredViews())
                        .toProperties(String.format(
                                Locale.ROOT,
                                "fine-tuned from %s (%s), mode %s, %d epochs, seed %d",
                                base.name(),
                                base.architecture(),
                                options.mode().wireName(),
                                options.epochs(),
                                options.seed())));
    }

    private static void checkCancelled(Progress progress) {
        if (progress.cancelled()) {
            throw new CancellationException("cancelled");
        }
    }
}
