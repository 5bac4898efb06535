package dev.resnetserve.inference;

import dev.resnetserve.model.ModelLoader;
import dev.resnetserve.model.ModelSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The served models by name and version. Each name has a default version, the one requests without a version go
 * to. Loading happens in the background, at start and for models registered later, so that liveness answers while
 * models load; readiness waits for every default version (see {@link ModelsReadinessIndicator}). A new version
 * becomes the default only once it is ready, by one reference switch: requests never see a half-loaded model. A
 * removed version stops taking requests at once and drains its queue within the grace period.
 */
public final class ModelRegistry implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);

    /** Told when a version starts or stops being served (the metrics follow it). */
    public interface Listener {

        void added(ServedModel model);

        void removed(ServedModel model);
    }

    /** The versions of one name, which of them is the default, and the traffic split, if any. */
    private static final class Versions {
        final Map<String, ServedModel> byVersion = new LinkedHashMap<>();
        volatile ServedModel defaultVersion;
        /** {@code null}: every request without a version goes to the default version. */
        volatile TrafficSplit traffic;
    }

    /**
     * How many models, and versions of one model, may be served at once: each costs its weights' memory and a
     * loading thread's time, so registration is bounded however many requests ask.
     */
    public record Limits(int maxModels, int maxVersionsPerModel) {

        public static final Limits NONE = new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    private final Map<String, Versions> models = new LinkedHashMap<>();
    private final Limits limits;
    private final String defaultModel;
    private final ModelLoader loader;
    private final DeviceResolver devices;
    private final Duration shutdownGrace;
    private final BatchObserver observer;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private ExecutorService loading;
    private ExecutorService draining;
    private volatile boolean running;

    public ModelRegistry(
            List<ServedModel> served,
            String defaultModel,
            ModelLoader loader,
            DeviceResolver devices,
            Duration shutdownGrace,
            BatchObserver observer) {
        this(served, defaultModel, loader, devices, shutdownGrace, observer, Limits.NONE);
    }

    public ModelRegistry(
            List<ServedModel> served,
            String defaultModel,
            ModelLoader loader,
            DeviceResolver devices,
            Duration shutdownGrace,
            BatchObserver observer,
            Limits limits) {
        this.limits = limits;
        for (ServedModel model : served) {
            Versions versions = models.computeIfAbsent(model.name(), name -> new Versions());
            versions.byVersion.put(model.spec().version(), model);
            if (versions.defaultVersion == null) {
                versions.defaultVersion = model;
            }
        }
        if (!models.containsKey(defaultModel)) {
            throw new IllegalArgumentException("the default model '" + defaultModel + "' is not among the "
                    + "configured models " + models.keySet());
        }
        this.defaultModel = defaultModel;
        this.loader = loader;
        this.devices = devices;
        this.shutdownGrace = shutdownGrace;
        this.observer = observer;
    }

    /** The default version of {@code name}. */
    public ServedModel require(String name) {
        Versions versions;
        synchronized (models) {
            versions = models.get(name);
        }
        if (versions == null) {
            throw new ModelNotFoundException(name);
        }
        return versions.defaultVersion;
    }

    /**
     * The version that serves a request for {@code name} naming no version: without a traffic split, the default
     * version; with one, a version drawn by weight ({@link TrafficSplit}), or the default version when the drawn
     * one is not ready (still loading, failed, removed). Every protocol resolves a model through here, so the split
     * applies to all of them. The default version and the split are read once, so a request sees one routing even
     * while they change.
     */
    public ServedModel route(String name) {
        Versions versions;
        synchronized (models) {
            versions = models.get(name);
        }
        if (versions == null) {
            throw new ModelNotFoundException(name);
        }
        ServedModel fallback = versions.defaultVersion;
        TrafficSplit traffic = versions.traffic;
        if (traffic == null) {
            return fallback;
        }
        ServedModel drawn = traffic.choose(ThreadLocalRandom.current().nextInt(traffic.total()));
        return drawn.state() == ModelState.READY ? drawn : fallback;
    }

    /** {@link #route(String)} for a {@code null} version, else that version of {@code name}. */
    public ServedModel route(String name, String version) {
        return version == null ? route(name) : require(name, version);
    }

    /** The traffic split of {@code name}: weight by version; empty when requests go to the default version. */
    public Map<String, Integer> traffic(String name) {
        synchronized (models) {
            Versions versions = models.get(name);
            if (versions == null) {
                throw new ModelNotFoundException(name);
            }
            TrafficSplit traffic = versions.traffic;
            return traffic == null ? Map.of() : traffic.weights();
        }
    }

    /**
     * Splits the requests for {@code name} that name no version across its versions by weight (checked by
     * {@link TrafficSplit}); an empty map returns them to the default version. Held in memory only: a restart
     * routes to the default version again.
     */
    public Map<String, Integer> splitTraffic(String name, Map<String, Integer> weights) {
        synchronized (models) {
            Versions versions = models.get(name);
            if (versions == null) {
                throw new ModelNotFoundException(name);
            }
            versions.traffic = weights.isEmpty() ? null : TrafficSplit.of(name, weights, versions.byVersion);
            log.info(
                    "model '{}' routes requests without a version {}",
                    name,
                    weights.isEmpty() ? "to its default " + "version" : "by weight " + weights);
            return traffic(name);
        }
    }

    /** A given version of {@code name}, or its default version when {@code version} is null. */
    public ServedModel require(String name, String version) {
        if (version == null) {
            return require(name);
        }
        synchronized (models) {
            Versions versions = models.get(name);
            ServedModel model = versions == null ? null : versions.byVersion.get(version);
            if (model == null) {
                throw new ModelNotFoundException(name, version);
            }
            return model;
        }
    }

    public boolean serves(String name) {
        synchronized (models) {
            return models.containsKey(name);
        }
    }

    public ServedModel defaultModel() {
        return require(defaultModel);
    }

    public String defaultModelName() {
        return defaultModel;
    }

    /** Every served version of every model. */
    public List<ServedModel> all() {
        synchronized (models) {
            return models.values().stream()
                    .flatMap(v -> v.byVersion.values().stream())
                    .toList();
        }
    }

    /** Every version of {@code name}, the default among them. */
    public List<ServedModel> versions(String name) {
        synchronized (models) {
            Versions versions = models.get(name);
            if (versions == null) {
                throw new ModelNotFoundException(name);
            }
            return List.copyOf(versions.byVersion.values());
        }
    }

    public boolean isDefaultVersion(ServedModel model) {
        synchronized (models) {
            Versions versions = models.get(model.name());
            return versions != null && versions.defaultVersion == model;
        }
    }

    /** Ready when every model's default version is: a new version loading beside it does not count. */
    public boolean allReady() {
        synchronized (models) {
            return models.values().stream().allMatch(v -> v.defaultVersion.state() == ModelState.READY);
        }
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /**
     * Serves a new model or a new version of one, loading it in the background. A new name gets it as its default
     * at once (answering 503 until it is ready); a new version of a served name becomes the default when it is
     * ready, if {@code makeDefault}; until then, and if it fails, the current default keeps serving.
     */
    public ServedModel register(ModelSpec spec, SchedulingSpec scheduling, boolean makeDefault) {
        ServedModel model = new ServedModel(
                spec, scheduling, devices.resolve(spec.name(), scheduling.devices(), scheduling.cpuFallback()));
        synchronized (models) {
            if (!running) {
                throw new ModelNotReadyException("the service is not running");
            }
            if (!models.containsKey(spec.name()) && models.size() >= limits.maxModels()) {
                throw new ModelConflictException("the service serves " + models.size() + " models, the most "
                        + "resnet.management.max-models allows; remove one first");
            }
            Versions versions = models.computeIfAbsent(spec.name(), name -> new Versions());
            if (!versions.byVersion.containsKey(spec.version())
                    && versions.byVersion.size() >= limits.maxVersionsPerModel()) {
                throw new ModelConflictException("model '" + spec.name() + "' has " + versions.byVersion.size()
                        + " versions, the most resnet.management.max-versions-per-model allows; remove one first");
            }
            if (versions.byVersion.containsKey(spec.version())) {
                throw new ModelConflictException(
                        "model '" + spec.name() + "' already has a version '" + spec.version() + "'");
            }
            versions.byVersion.put(spec.version(), model);
            if (versions.defaultVersion == null) {
                versions.defaultVersion = model;
            }
        }
        listeners.forEach(listener -> listener.added(model));
        loading.submit(() -> {
            model.load(loader, observer);
            if (makeDefault && model.state() == ModelState.READY) {
                switchTo(model);
            }
        });
        log.info("model '{}' version '{}' registered from {}; loading", spec.name(), spec.version(), spec.location());
        return model;
    }

    /** Makes a ready version the default: from the next request on, requests without a version go to it. */
    public void makeDefault(String name, String version) {
        ServedModel model = require(name, version);
        if (model.state() != ModelState.READY) {
            throw new ModelConflictException("model '" + name + "' version '" + version + "' is "
                    + model.state().name().toLowerCase() + "; only a ready version can become the default");
        }
        switchTo(model);
    }

    private void switchTo(ServedModel model) {
        synchronized (models) {
            Versions versions = models.get(model.name());
            if (versions != null && versions.byVersion.get(model.spec().version()) == model) {
                versions.defaultVersion = model;
                log.info(
                        "model '{}' now serves version '{}' by default",
                        model.name(),
                        model.spec().version());
            }
        }
    }

    /**
     * Stops serving one version, or every version of the name when {@code version} is null. It leaves the routing
     * at once; requests already queued for it are still answered while it drains, within the grace period.
     */
    public List<ServedModel> remove(String name, String version) {
        List<ServedModel> removed = new ArrayList<>();
        synchronized (models) {
            Versions versions = models.get(name);
            if (versions == null) {
                throw new ModelNotFoundException(name);
            }
            if (version == null || versions.byVersion.size() == 1 && versions.byVersion.containsKey(version)) {
                if (name.equals(defaultModel)) {
                    throw new ModelConflictException("model '" + name + "' is the service's default model "
                            + "(resnet.default-model) and cannot be removed");
                }
                models.remove(name);
                removed.addAll(versions.byVersion.values());
            } else {
                ServedModel model = versions.byVersion.get(version);
                if (model == null) {
                    throw new ModelNotFoundException(name, version);
                }
                if (versions.defaultVersion == model) {
                    throw new ModelConflictException("version '" + version + "' is the default of model '" + name
                            + "'; make another version the default first");
                }
                versions.byVersion.remove(version);
                if (versions.traffic != null) {
                    versions.traffic = versions.traffic.without(model);
                }
                removed.add(model);
            }
        }
        for (ServedModel model : removed) {
            listeners.forEach(listener -> listener.removed(model));
            draining.submit(() -> model.stop(shutdownGrace));
            log.info(
                    "model '{}' version '{}' removed; draining",
                    model.name(),
                    model.spec().version());
        }
        return removed;
    }

    /** Loads every model in the background; after a {@link #stop()} (a paused context), loads them again. */
    @Override
    public synchronized void start() {
        loading = Executors.newSingleThreadExecutor(task -> daemon(task, "model-loader"));
        draining = Executors.newCachedThreadPool(task -> daemon(task, "model-drain"));
        synchronized (models) {
            running = true;
            all().forEach(model -> loading.submit(() -> model.load(loader, observer)));
        }
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public synchronized void stop() {
        synchronized (models) {
            running = false;
        }
        loading.shutdownNow();
        try {
            loading.awaitTermination(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        all().forEach(model -> model.stop(shutdownGrace));
        draining.shutdown();
        try {
            draining.awaitTermination(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops after the web server stops taking requests (web server graceful shutdown runs at a higher phase). */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 2048;
    }
}
