package dev.resnetserve.metrics;

import dev.resnetserve.inference.ModelNotFoundException;
import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.inference.ModelState;
import dev.resnetserve.inference.ServedModel;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Readiness, queue depth, worker counts, load time and model info, read from the registry when Prometheus scrapes.
 * Series are per model name (summed over its versions; readiness and load time are the default version's), so
 * registering a new version does not change the label sets; {@code inference_model_info} has one series per version.
 * Models registered or removed at run time gain or lose their series.
 */
public final class ModelGauges implements MeterBinder, ModelRegistry.Listener {

    private final ModelRegistry models;
    private final Map<String, List<Meter>> perName = new HashMap<>();
    private final Map<ServedModel, List<Meter>> perVersion = new HashMap<>();
    private MeterRegistry meters;

    public ModelGauges(ModelRegistry models) {
        this.models = models;
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        this.meters = registry;
        models.all().forEach(this::added);
        models.addListener(this);
    }

    @Override
    public synchronized void added(ServedModel model) {
        if (meters == null) {
            return;
        }
        String name = model.name();
        List<Meter> named = perName.computeIfAbsent(name, n -> new ArrayList<>());
        if (named.isEmpty()) {
            named.add(Gauge.builder("inference.model.ready", () -> ready(name))
                    .description("1 when the model's default version is loaded, warmed up and serving")
                    .tag("model", name)
                    .register(meters));
            named.add(Gauge.builder("inference.queue.depth", () -> sum(name, ServedModel::queueDepth))
                    .description("Requests waiting for a worker")
                    .tag("model", name)
                    .register(meters));
        }
        List<Meter> versioned = new ArrayList<>();
        for (String device : model.devices()) {
            if (named.stream()
                    .noneMatch(m -> m.getId().getName().equals("inference.workers")
                            && device.equals(m.getId().getTag("device")))) {
                named.add(Gauge.builder("inference.workers", () -> sum(name, m -> m.runningWorkers(device)))
                        .description("Predictor threads")
                        .tag("model", name)
                        .tag("device", device)
                        .register(meters));
                named.add(Gauge.builder("inference.workers.busy", () -> sum(name, m -> m.busyWorkers(device)))
                        .description("Predictor threads running a batch")
                        .tag("model", name)
                        .tag("device", device)
                        .register(meters));
                named.add(Gauge.builder("inference.model.load.duration", () -> loadSeconds(name, device))
                        .description("Load and warm-up time of the model's default version on the device")
                        .baseUnit("seconds")
                        .tag("model", name)
                        .tag("device", device)
                        .register(meters));
            }
            versioned.add(Gauge.builder("inference.model.info", () -> 1.0)
                    .description("Served model, value always 1")
                    .tag("model", name)
                    .tag("version", model.spec().version())
                    .tag("architecture", model.spec().architecture().orElse("unknown"))
                    .tag("device", device)
                    .register(meters));
        }
        perVersion.put(model, versioned);
    }

    @Override
    public synchronized void removed(ServedModel model) {
        if (meters == null) {
            return;
        }
        perVersion.getOrDefault(model, List.of()).forEach(meters::remove);
        perVersion.remove(model);
        if (!models.serves(model.name())) {
            perName.getOrDefault(model.name(), List.of()).forEach(meters::remove);
            perName.remove(model.name());
        }
    }

    private double ready(String name) {
        try {
            return models.require(name).state() == ModelState.READY ? 1 : 0;
        } catch (ModelNotFoundException removed) {
            return 0;
        }
    }

    private double sum(String name, ToDoubleFunction<ServedModel> value) {
        try {
            return models.versions(name).stream().mapToDouble(value).sum();
        } catch (ModelNotFoundException removed) {
            return 0;
        }
    }

    private double loadSeconds(String name, String device) {
        try {
            return models.require(name)
                    .loadTime(device)
                    .map(ModelGauges::seconds)
                    .orElse(Double.NaN);
        } catch (ModelNotFoundException removed) {
            return Double.NaN;
        }
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
