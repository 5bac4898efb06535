package dev.resnetserve.finetune;

import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.inference.ModelSettings;
import dev.resnetserve.inference.SchedulingSpec;
import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.model.ModelDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A directory of models, {@code <root>/<name>/<version>/} (a model directory as {@code train} and fine-tuning write
 * it), that the service serves: every model in it is registered at start, and the directory is polled for models
 * that appear later (written by another replica that mounts the same volume). New models are written beside it
 * first and moved in whole, so a poller never sees half a model. A model in the repository is served with the
 * per-model settings of its {@code serving.json} (written beside it: a fine-tuned model's are its base's), else the
 * defaults; a newer version becomes the default when it is ready.
 */
public final class ModelRepository implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ModelRepository.class);
    private static final String STAGING = ".staging";

    private final Path root;
    private final ModelRegistry registry;
    private final Duration pollInterval;
    private ScheduledExecutorService poller;
    private volatile boolean running;

    /**
     * @param pollInterval how often to look for models other replicas wrote; zero: only at start
     */
    public ModelRepository(Path root, ModelRegistry registry, Duration pollInterval) {
        this.root = root.toAbsolutePath().normalize();
        this.registry = registry;
        this.pollInterval = pollInterval;
    }

    public Path root() {
        return root;
    }

    /** A new empty directory on the repository's file system, outside the part that is served. */
    public Path stage() throws IOException {
        Path staging = Files.createDirectories(root.resolve(STAGING));
        return Files.createTempDirectory(staging, "job-");
    }

    /** Moves a staged model in as {@code name/version}, in one rename. */
    public Path publish(Path staged, String name, String version) throws IOException {
        Path target = directory(name, version);
        Files.createDirectories(target.getParent());
        try {
            return Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException taken) {
            throw new IOException("the repository already has " + name + "/" + version, taken);
        }
    }

    public boolean holds(String name, String version) {
        return Files.isDirectory(directory(name, version));
    }

    /** One more than the largest numeric version of {@code name}, served or in the repository; 1 for a new name. */
    public String nextVersion(String name) {
        long largest = 0;
        for (ServedModel version : served(name)) {
            largest = Math.max(largest, numeric(version.spec().version()));
        }
        for (String version : versionsOnDisk(name)) {
            largest = Math.max(largest, numeric(version));
        }
        return Long.toString(largest + 1);
    }

    /**
     * Serves {@code name/version} from the repository, with the settings of its {@value ServingSettingsFile#FILE_NAME}
     * (the defaults when it has none, or one that cannot be used: logged); a version after the first becomes the
     * default when ready.
     */
    public ServedModel register(String name, String version) {
        Path model = directory(name, version);
        ModelSettings settings;
        try {
            settings = ServingSettingsFile.read(model, version);
        } catch (IOException | IllegalArgumentException unusable) {
            log.warn(
                    "model repository: {}/{}: {} refused ({}); serving it with the default settings",
                    name,
                    version,
                    ServingSettingsFile.FILE_NAME,
                    unusable.getMessage());
            settings = ModelSettings.builder().version(version).build();
        }
        return registry.register(settings.spec(name, model.toString()), settings.scheduling(), true);
    }

    /** Writes the settings a model is to be served with into its staged directory, for {@link #register}. */
    public void writeSettings(Path staged, SchedulingSpec scheduling) throws IOException {
        ServingSettingsFile.write(staged, scheduling);
    }

    /** Registers every model in the repository that is not served yet, versions in ascending order. */
    public synchronized void scan() {
        for (String name : list(root)) {
            if (!name.matches(ModelSettings.NAME_PATTERN)) {
                continue;
            }
            List<String> versions = versionsOnDisk(name).stream()
                    .filter(v -> v.matches(ModelSettings.VERSION_PATTERN))
                    .filter(v -> Files.isRegularFile(directory(name, v).resolve(ModelDescriptor.FILE_NAME)))
                    .sorted(Comparator.comparingLong(ModelRepository::numeric).thenComparing(v -> v))
                    .toList();
            for (String version : versions) {
                boolean served =
                        served(name).stream().anyMatch(m -> m.spec().version().equals(version));
                if (!served) {
                    try {
                        register(name, version);
                        log.info("model repository: serving {}/{} from {}", name, version, root);
                    } catch (RuntimeException refused) {
                        log.warn("model repository: cannot serve {}/{}: {}", name, version, refused.getMessage());
                    }
                }
            }
        }
    }

    /** The versions of {@code name} being served, none for a name not served. */
    List<ServedModel> served(String name) {
        return registry.serves(name) ? registry.versions(name) : List.of();
    }

    private Path directory(String name, String version) {
        // the patterns start with a letter or digit and have no '/': no name climbs out of the root
        if (!name.matches(ModelSettings.NAME_PATTERN) || !version.matches(ModelSettings.VERSION_PATTERN)) {
            throw new IllegalArgumentException("'" + name + "/" + version + "' is not a model name and version");
        }
        return root.resolve(name).resolve(version);
    }

    private List<String> versionsOnDisk(String name) {
        return name.matches(ModelSettings.NAME_PATTERN) ? list(root.resolve(name)) : List.of();
    }

    private static List<String> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long numeric(String version) {
        try {
            return Long.parseLong(version);
        } catch (NumberFormatException notANumber) {
            return 0;
        }
    }

    @Override
    public synchronized void start() {
        try {
            Files.createDirectories(root);
            scan();
        } catch (IOException | UncheckedIOException e) {
            // a read-only file system without a volume for it: serving goes on, fine-tuning jobs will fail
            log.warn(
                    "model repository {} cannot be read or created ({}): fine-tuned models cannot be saved; mount a"
                            + " writable volume there or set resnet.model-repository",
                    root,
                    e.toString());
        }
        if (!pollInterval.isZero()) {
            poller = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "model-repository-poll");
                thread.setDaemon(true);
                return thread;
            });
            poller.scheduleWithFixedDelay(
                    this::pollQuietly, pollInterval.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
        running = true;
        log.info(
                "model repository {}: polled {}",
                root,
                pollInterval.isZero() ? "never (only read at start)" : "every " + pollInterval);
    }

    private void pollQuietly() {
        try {
            scan();
        } catch (RuntimeException e) {
            log.warn("model repository: polling {} failed: {}", root, e.toString());
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        Optional.ofNullable(poller).ifPresent(ScheduledExecutorService::shutdownNow);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts after the registry (it registers models with it) and stops before it. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1024;
    }
}
