package dev.resnetserve.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.util.Pair;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.TensorInfo;
import dev.resnetserve.model.resnet.ResNetBuilder;
import dev.resnetserve.model.resnet.ResNetSpec;
import dev.resnetserve.model.resnet.TorchScriptFeatures;
import dev.resnetserve.model.resnet.TorchScriptHead;
import dev.resnetserve.model.resnet.ViewMean;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Loads a model onto one device, and its labels: TorchScript and this project's models on libtorch through DJL's
 * {@link Criteria}, ONNX models on ONNX Runtime.
 */
public final class ModelLoader {

    private static final Logger log = LoggerFactory.getLogger(ModelLoader.class);

    public static final String ENGINE = ModelFormat.PYTORCH;
    private static final String SYNSET_FILE = "synset.txt";
    static final int MAX_LABELS_BYTES = 10 << 20;
    static final int MAX_LABELS = 100_000;

    private final ModelLocator locator;
    private final ResourceLoader resources;
    private final OnnxSettings onnx;
    private final int torchIntraOpThreads;

    public ModelLoader(ModelLocator locator, ResourceLoader resources) {
        this(locator, resources, OnnxSettings.defaults());
    }

    /**
     * A loader for a command-line tool, outside the service: locations on the file system and the class path,
     * downloads and unpacked archives in {@code work}, default engine settings.
     */
    public static ModelLoader standalone(Path work) {
        PathMatchingResourcePatternResolver resources = new PathMatchingResourcePatternResolver();
        return new ModelLoader(new ModelLocator(resources, work), resources);
    }

    public ModelLoader(ModelLocator locator, ResourceLoader resources, OnnxSettings onnx) {
        this(locator, resources, onnx, 0);
    }

    /**
     * @param torchIntraOpThreads libtorch threads per CPU worker ({@code resnet.engine.intra-op-threads}); 0: each
     *                            model's own, from {@link WorkerThreads}
     */
    public ModelLoader(ModelLocator locator, ResourceLoader resources, OnnxSettings onnx, int torchIntraOpThreads) {
        this.locator = locator;
        this.resources = resources;
        this.onnx = onnx;
        this.torchIntraOpThreads = torchIntraOpThreads;
    }

    /**
     * The libtorch intra-op threads each CPU worker of a located model runs its batches with, set on the worker's
     * own thread (libtorch keeps the count per thread): {@code resnet.engine.intra-op-threads} if set, else the
     * cores shared among the model's {@code workers}; 0 for ONNX Runtime, whose threads belong to the model's
     * session ({@link OnnxSettings}).
     */
    public int torchThreadsPerWorker(ModelArtifact artifact, int workers) {
        if (!ModelFormat.PYTORCH.equals(artifact.format().engine())) {
            return 0;
        }
        return torchIntraOpThreads > 0
                ? torchIntraOpThreads
                : WorkerThreads.intraOpThreads(Runtime.getRuntime().availableProcessors(), workers);
    }

    /** Resolves the model's location once; the artifact is then loaded onto each device. */
    public ModelArtifact locate(ModelSpec spec) {
        return locator.locate(spec.name(), spec.version(), spec.location(), spec.format());
    }

    /** One model instance on {@code device}, for one worker (the bench's bare predictor). */
    public ZooModel<NDList, NDList> load(ModelSpec spec, ModelArtifact artifact, Device device) {
        return load(spec, artifact, device, 1);
    }

    /**
     * One model instance on {@code device}: weights are loaded once per device and shared by its predictors.
     *
     * @param workers the predictor threads that will share it (ONNX Runtime sizes its session's threads by them)
     */
    public ZooModel<NDList, NDList> load(ModelSpec spec, ModelArtifact artifact, Device device, int workers) {
        if (artifact.format() == ModelFormat.ONNX) {
            return loadOnnx(spec, artifact, device, workers);
        }
        Criteria.Builder<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optEngine(ENGINE)
                .optDevice(device)
                .optTranslator(new NoopTranslator())
                .optOption("mapLocation", "true")
                // a TorchScript module's weights as ordinary tensors: loaded without it, DJL loads them under
                // libtorch's inference mode, and inference tensors cannot be saved for an explanation's backward pass
                .optOption("trainParam", "true");
        artifact.directory().ifPresent(criteria::optModelPath);
        artifact.modelName().ifPresent(criteria::optModelName);
        artifact.url().ifPresent(criteria::optModelUrls);
        artifact.descriptor().ifPresent(d -> criteria.optBlock(block(d, artifact.directory())));
        try {
            ZooModel<NDList, NDList> model = criteria.build().loadModel();
            if (model.getBlock() instanceof PtSymbolBlock module) {
                module.freezeParameters(true); // no gradient accumulates in the weights; still evaluation mode
            }
            return model;
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            throw new ModelLoadException(
                    "cannot load model '" + spec.name() + "' from " + spec.location() + " on " + device + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * The network a descriptor names, its weights not loaded yet: this project's ResNet, or a TorchScript backbone
     * (its file beside the descriptor, loaded with the weights) and the classifier trained on its features; answering
     * the mean over its {@link ModelDescriptor#testViews} when it names some ({@link ViewMean}).
     */
    private static Block block(ModelDescriptor d, Optional<Path> directory) {
        Block network;
        if (d.backbone().isPresent()) {
            Path file = directory
                    .orElseThrow(() -> new ModelLoadException("a model with a backbone must be a local directory"))
                    .resolve(d.backbone().get().file());
            network = new TorchScriptHead(
                    new TorchScriptFeatures(file, d.backbone().get().features()), d.classes());
        } else {
            network = ResNetBuilder.build(
                    ResNetSpec.named(d.architecture(), d.classes()).withInputSize(d.inputSize()));
        }
        return d.testViews() == Augmentation.NONE ? network : new ViewMean(network, d.testViews());
    }

    /**
     * An ONNX model on ONNX Runtime, with the session options built here (DJL's string options cannot turn the
     * arena off). The options are copied into the session when it is made, so they are closed right after.
     */
    private ZooModel<NDList, NDList> loadOnnx(ModelSpec spec, ModelArtifact artifact, Device device, int workers) {
        Path directory = artifact.directory().orElseThrow();
        String name = artifact.modelName().orElseThrow();
        Model model = Engine.getEngine(ModelFormat.ONNX_RUNTIME).newModel(name, device);
        try (SessionOptions options = onnx.sessionOptions(workers)) {
            model.load(directory, name, Map.of("sessionOptions", options));
            log.info(
                    "model '{}' on ONNX Runtime {}: {} intra-op thread(s) shared by {} worker(s), {} inter-op, "
                            + "arena {}, graph optimisation {}",
                    spec.name(),
                    model.getNDManager().getEngine().getVersion(),
                    onnx.intraOpThreadsFor(workers),
                    workers,
                    onnx.interOpThreads(),
                    onnx.arena() ? "on" : "off",
                    onnx.optimization());
            return new ZooModel<>(model, new NoopTranslator());
        } catch (OrtException | MalformedModelException | IOException | RuntimeException e) {
            model.close();
            throw new ModelLoadException(
                    "cannot load model '" + spec.name() + "' from " + spec.location() + " on " + device + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * The input shape the model file declares. ONNX Runtime reads it from a session of its own, made without graph
     * optimisation and closed at once (DJL keeps its session private); TorchScript declares none.
     */
    public InputSignature inputSignature(ModelSpec spec, ModelArtifact artifact) {
        Optional<Path> file = artifact.onnxFile();
        if (file.isEmpty()) {
            return InputSignature.ANY;
        }
        Engine.getEngine(ModelFormat.ONNX_RUNTIME); // makes ONNX Runtime's environment as DJL configures it
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (SessionOptions options = new SessionOptions()) {
            options.setOptimizationLevel(SessionOptions.OptLevel.NO_OPT);
            options.setIntraOpNumThreads(1);
            try (OrtSession session = environment.createSession(file.get().toString(), options)) {
                Map<String, NodeInfo> inputs = session.getInputInfo();
                if (inputs.size() != 1 || !(inputs.values().iterator().next().getInfo() instanceof TensorInfo t)) {
                    throw new ModelLoadException(
                            "model '" + spec.name() + "' must take one tensor, not " + inputs.keySet());
                }
                return new InputSignature(t.getShape());
            }
        } catch (OrtException e) {
            throw new ModelLoadException(
                    "cannot read the inputs of model '" + spec.name() + "' from " + spec.location() + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * The configured labels, else {@code synset.txt} beside a local model, else none. A plain path is a file (never a
     * classpath resource, as Spring's resource loader would read it); an http(s) URL is fetched without following
     * redirects (the host it names is the one that was allowed); a {@code synset.txt} that links out of its model
     * directory is refused.
     */
    public Optional<Labels> labels(ModelSpec spec, ModelArtifact artifact) {
        if (spec.labels().isPresent()) {
            String location = spec.labels().get();
            return Optional.of(read(labelsResource(location), location));
        }
        Optional<Path> synset =
                artifact.directory().map(d -> d.resolve(SYNSET_FILE)).filter(Files::isRegularFile);
        if (synset.isPresent()) {
            try {
                Path directory = artifact.directory().get().toRealPath();
                if (!synset.get().toRealPath().startsWith(directory)) {
                    throw new ModelLoadException(synset.get() + " links outside its model directory");
                }
            } catch (IOException e) {
                throw new ModelLoadException("cannot read " + synset.get() + ": " + e.getMessage(), e);
            }
        }
        return synset.map(p -> read(new FileSystemResource(p), p.toString()));
    }

    private Resource labelsResource(String location) {
        int colon = location.indexOf(':');
        String scheme = colon > 1 ? location.substring(0, colon).toLowerCase(java.util.Locale.ROOT) : "";
        return switch (scheme) {
            case "" -> new FileSystemResource(Path.of(location));
            case "http", "https" -> new NoRedirectUrlResource(java.net.URI.create(location));
            default -> resources.getResource(location);
        };
    }

    /** An http(s) resource read without following redirects, with connect and read timeouts. */
    private static final class NoRedirectUrlResource extends org.springframework.core.io.AbstractResource {

        private final java.net.URI uri;

        NoRedirectUrlResource(java.net.URI uri) {
            this.uri = uri;
        }

        @Override
        public InputStream getInputStream() throws IOException {
            java.net.HttpURLConnection connection =
                    (java.net.HttpURLConnection) uri.toURL().openConnection();
            connection.setInstanceFollowRedirects(false);
            connection.setConnectTimeout(10_000);
            connection.setReadTimeout(30_000);
            int status = connection.getResponseCode();
            if (status != 200) {
                connection.disconnect();
                throw new IOException(
                        uri + " answered " + status + (status / 100 == 3 ? " (redirects are not followed)" : ""));
            }
            return connection.getInputStream();
        }

        @Override
        public String getDescription() {
            return uri.toString();
        }
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
