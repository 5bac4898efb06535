package dev.resnetserve.inference;

import dev.resnetserve.model.ModelLoader;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;

/**
 * The served models by name. Loading starts with the application, in the background, so that liveness answers
 * while models load; readiness waits for them (see {@link ModelsReadinessIndicator}). On shutdown each model stops
 * taking requests and drains its queue within the grace period.
 */
public final class ModelRegistry implements SmartLifecycle {

    private final Map<String, ServedModel> models = new LinkedHashMap<>();
    private final String defaultModel;
    private final ModelLoader loader;
    private final Duration shutdownGrace;
    private final BatchObserver observer;
    private ExecutorService loading;
    private volatile boolean running;

    public ModelRegistry(List<ServedModel> served, String defaultModel, ModelLoader loader, Duration shutdownGrace,
                         BatchObserver observer) {
        served.forEach(model -> models.put(model.name(), model));
        if (!models.containsKey(defaultModel)) {
            throw new IllegalArgumentException("the default model '" + defaultModel + "' is not among the "
                    + "configured models " + models.keySet());
        }
        this.defaultModel = defaultModel;
        this.loader = loader;
        this.shutdownGrace = shutdownGrace;
        this.observer = observer;
    }

    public ServedModel require(String name) {
        ServedModel model = models.get(name);
        if (model == null) {
            throw new ModelNotFoundException(name);
        }
        return model;
    }

    public boolean serves(String name) {
        return models.containsKey(name);
    }

    public ServedModel defaultModel() {
        return models.get(defaultModel);
    }

    public String defaultModelName() {
        return defaultModel;
    }

    public Collection<ServedModel> all() {
        return models.values();
    }

    public boolean allReady() {
        return models.values().stream().allMatch(m -> m.state() == ModelState.READY);
    }

    /** Loads every model in the background; after a {@link #stop()} (a paused context), loads them again. */
    @Override
    public synchronized void start() {
        running = true;
        loading = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "model-loader");
            thread.setDaemon(true);
            return thread;
        });
        models.values().forEach(model -> loading.submit(() -> model.load(loader, observer)));
    }

    @Override
    public synchronized void stop() {
        running = false;
        loading.shutdownNow();
        try {
            loading.awaitTermination(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        models.values().forEach(model -> model.stop(shutdownGrace));
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
