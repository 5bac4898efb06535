package dev.resnetserve.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.util.Pair;
import dev.resnetserve.model.resnet.ResNetBuilder;
import dev.resnetserve.model.resnet.ResNetSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/** Loads a model onto one device through DJL's {@link Criteria}, and its labels. */
public final class ModelLoader {

    public static final String ENGINE = "PyTorch";
    private static final String SYNSET_FILE = "synset.txt";
    static final int MAX_LABELS_BYTES = 10 << 20;
    static final int MAX_LABELS = 100_000;

    private final ModelLocator locator;
    private final ResourceLoader resources;

    public ModelLoader(ModelLocator locator, ResourceLoader resources) {
        this.locator = locator;
        this.resources = resources;
    }

    /** Resolves the model's location once; the artifact is then loaded onto each device. */
    public ModelArtifact locate(ModelSpec spec) {
        return locator.locate(spec.name(), spec.version(), spec.location());
    }

    /** One model instance on {@code device}: weights are loaded once per device and shared by its predictors. */
    public ZooModel<NDList, NDList> load(ModelSpec spec, ModelArtifact artifact, Device device) {
        Criteria.Builder<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optEngine(ENGINE)
                .optDevice(device)
                .optTranslator(new NoopTranslator())
                .optOption("mapLocation", "true");
        artifact.directory().ifPresent(criteria::optModelPath);
        artifact.modelName().ifPresent(criteria::optModelName);
        artifact.url().ifPresent(criteria::optModelUrls);
        artifact.descriptor()
                .ifPresent(d -> criteria.optBlock(ResNetBuilder.build(
                        ResNetSpec.named(d.architecture(), d.classes()).withInputSize(d.inputSize()))));
        try {
            return criteria.build().loadModel();
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            throw new ModelLoadException(
                    "cannot load model '" + spec.name() + "' from " + spec.location() + " on " + device + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** The configured labels, else {@code synset.txt} beside a local model, else none. */
    public Optional<Labels> labels(ModelSpec spec, ModelArtifact artifact) {
        if (spec.labels().isPresent()) {
            return Optional.of(read(
                    resources.getResource(spec.labels().get()), spec.labels().get()));
        }
        Optional<Path> synset =
                artifact.directory().map(d -> d.resolve(SYNSET_FILE)).filter(Files::isRegularFile);
        return synset.map(p -> read(resources.getResource(p.toUri().toString()), p.toString()));
    }

    /**
     * Number of parameters in the model's block, when the engine can enumerate them; batch-norm running statistics
     * are state, not parameters, and are not counted (as in torchvision's {@code model.parameters()}).
     */
    public static OptionalLong parameterCount(Model model) {
        try {
            long total = 0;
            for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
                Parameter.Type type = parameter.getValue().getType();
                if (type != Parameter.Type.RUNNING_MEAN && type != Parameter.Type.RUNNING_VAR) {
                    total += parameter.getValue().getArray().size();
                }
            }
            return total > 0 ? OptionalLong.of(total) : OptionalLong.empty();
        } catch (RuntimeException notSupported) {
            return OptionalLong.empty();
        }
    }

    /**
     * A labels file is read whole into memory, so it is bounded before it is read: a location such as
     * {@code file:/dev/zero} (endless, without a line break) must cost 10 MB at most.
     */
    static Labels read(Resource resource, String description) {
        try (InputStream in = resource.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_LABELS_BYTES + 1);
            if (bytes.length > MAX_LABELS_BYTES) {
                throw new ModelLoadException(
                        "the labels file " + description + " is larger than " + MAX_LABELS_BYTES + " bytes");
            }
            List<String> lines = new String(bytes, StandardCharsets.UTF_8)
                    .lines()
                    .limit(MAX_LABELS + 1L)
                    .toList();
            if (lines.size() > MAX_LABELS) {
                throw new ModelLoadException(
                        "the labels file " + description + " has more than " + MAX_LABELS + " lines");
            }
            Labels labels = Labels.parse(lines);
            if (labels.size() == 0) {
                throw new ModelLoadException("the labels file " + description + " is empty");
            }
            return labels;
        } catch (IOException e) {
            throw new ModelLoadException("cannot read the labels at " + description + ": " + e.getMessage(), e);
        }
    }
}
