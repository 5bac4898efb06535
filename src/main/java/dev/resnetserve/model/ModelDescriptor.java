package dev.resnetserve.model;

import dev.resnetserve.preprocess.AlphaMode;
import dev.resnetserve.preprocess.PreprocessingSpec;
import dev.resnetserve.preprocess.ResizeMode;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code resnet-serve.properties} in a model directory trained by this project: which Java architecture the
 * parameters file belongs to, so the service can rebuild the network before loading its weights. A model fine-tuned
 * from a TorchScript ResNet names its {@link Backbone} instead: the module's file beside it and its features.
 *
 * @param testViews the views of each image whose answers the model averages ({@code test-views}: {@code mirror} or
 *                  {@code dihedral}, {@code model.resnet.ViewMean}); {@link Augmentation#NONE}: the image alone
 */
public record ModelDescriptor(
        String name,
        String architecture,
        int classes,
        int inputSize,
        Optional<PreprocessingSpec> preprocessing,
        Optional<Backbone> backbone,
        Augmentation testViews) {

    public static final String FILE_NAME = "resnet-serve.properties";
    /** What a backbone's file may be called: a file beside the descriptor, never a path. */
    public static final String BACKBONE_FILE_PATTERN = "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\\.pt";
    /** The most features a backbone may answer (ResNet-50 and deeper: 2048). */
    public static final int MAX_BACKBONE_FEATURES = 65_536;

    /**
     * A frozen TorchScript module whose {@code features} method feeds the classifier.
     *
     * @param file     its file, beside the descriptor
     * @param features how many features it answers
     */
    public record Backbone(String file, int features) {
        public Backbone {
            if (!file.matches(BACKBONE_FILE_PATTERN) || features < 1 || features > MAX_BACKBONE_FEATURES) {
                throw new ModelLoadException(FILE_NAME + ": backbone '" + file + "' with " + features
                        + " features is not a .pt file beside it with 1 to " + MAX_BACKBONE_FEATURES + " features");
            }
        }
    }

    public ModelDescriptor {
        Objects.requireNonNull(testViews, "testViews");
        if (testViews == Augmentation.DIHEDRAL
                && preprocessing.filter(p -> p.width() != p.height()).isPresent()) {
            throw new ModelLoadException(FILE_NAME + ": test-views dihedral turns images a quarter: it needs a square"
                    + " input, not " + preprocessing.get().width() + "x"
                    + preprocessing.get().height());
        }
    }

    /** A network of this project's architectures. */
    public ModelDescriptor(
            String name, String architecture, int classes, int inputSize, Optional<PreprocessingSpec> preprocessing) {
        this(name, architecture, classes, inputSize, preprocessing, Optional.empty(), Augmentation.NONE);
    }

    /** The same model, answering the mean over {@code views} of each image. */
    public ModelDescriptor withTestViews(Augmentation views) {
        return new ModelDescriptor(name, architecture, classes, inputSize, preprocessing, backbone, views);
    }

    public static Optional<ModelDescriptor> readFrom(Path directory) {
        Path file = directory.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            p.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return Optional.of(new ModelDescriptor(
                    required(p, "name"),
                    required(p, "architecture"),
                    Integer.parseInt(required(p, "classes")),
                    Integer.parseInt(required(p, "input-size")),
                    readPreprocessing(p),
                    p.getProperty("backbone") == null
                            ? Optional.empty()
                            : Optional.of(new Backbone(
                                    required(p, "backbone"), Integer.parseInt(required(p, "backbone.features")))),
                    testViews(p)));
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(file + " has a malformed number: " + e.getMessage());
        }
    }

    public String toProperties(String comment) {
        Properties p = new Properties();
        p.setProperty("name", name);
        p.setProperty("architecture", architecture);
        p.setProperty("classes", Integer.toString(classes));
        p.setProperty("input-size", Integer.toString(inputSize));
        if (testViews != Augmentation.NONE) {
            p.setProperty("test-views", testViews.wireName());
        }
        backbone.ifPresent(b -> {
            p.setProperty("backbone", b.file());
            p.setProperty("backbone.features", Integer.toString(b.features()));
        });
        preprocessing.ifPresent(spec -> {
            p.setProperty("preprocessing.mode", spec.mode().name());
            p.setProperty("preprocessing.resize", Integer.toString(spec.resize()));
            p.setProperty("preprocessing.width", Integer.toString(spec.width()));
            p.setProperty("preprocessing.height", Integer.toString(spec.height()));
            p.setProperty("preprocessing.mean", join(spec.mean()));
            p.setProperty("preprocessing.std", join(spec.std()));
            p.setProperty("preprocessing.alpha", spec.alpha().name());
            p.setProperty("preprocessing.background", String.format("#%06X", spec.background()));
        });
        StringWriter out = new StringWriter();
        try {
            p.store(out, comment);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static Augmentation testViews(Properties p) {
        String views = p.getProperty("test-views");
        if (views == null) {
            return Augmentation.NONE;
        }
        try {
            return Augmentation.parse("test-views", views);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(FILE_NAME + ": " + e.getMessage());
        }
    }

    private static Optional<PreprocessingSpec> readPreprocessing(Properties p) {
        if (p.getProperty("preprocessing.mode") == null) {
            return Optional.empty();
        }
        return Optional.of(new PreprocessingSpec(
                ResizeMode.valueOf(required(p, "preprocessing.mode")),
                Integer.parseInt(required(p, "preprocessing.resize")),
                Integer.parseInt(required(p, "preprocessing.width")),
                Integer.parseInt(required(p, "preprocessing.height")),
                floats(required(p, "preprocessing.mean")),
                floats(required(p, "preprocessing.std")),
                AlphaMode.valueOf(required(p, "preprocessing.alpha")),
                Integer.parseInt(required(p, "preprocessing.background").replace("#", ""), 16)));
    }

    private static String join(float[] values) {
        StringBuilder out = new StringBuilder();
        for (float v : values) {
            out.append(out.isEmpty() ? "" : ",").append(v);
        }
        return out.toString();
    }

    private static float[] floats(String csv) {
        String[] parts = csv.split(",");
        float[] values = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = Float.parseFloat(parts[i].strip());
        }
        return values;
    }

    private static String required(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new ModelLoadException(FILE_NAME + " lacks '" + key + "'");
        }
        return value.strip();
    }
}
