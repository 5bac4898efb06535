package dev.resnetserve.metrics;

import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.inference.ModelState;
import dev.resnetserve.inference.ServedModel;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;

/** Readiness, queue depth, worker counts, load time and model info, read from the registry when Prometheus scrapes. */
public final class ModelGauges implements MeterBinder {

    private final ModelRegistry models;

    public ModelGauges(ModelRegistry models) {
        this.models = models;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (ServedModel model : models.all()) {
            String name = model.name();
            Gauge.builder("inference.model.ready", model, m -> m.state() == ModelState.READY ? 1 : 0)
                    .description("1 when the model is loaded, warmed up and serving").tag("model", name)
                    .register(registry);
            Gauge.builder("inference.queue.depth", model, ServedModel::queueDepth)
                    .description("Requests waiting for a worker").tag("model", name).register(registry);
            for (String device : model.devices()) {
                Gauge.builder("inference.workers", model, m -> m.workers(device))
                        .description("Predictor threads").tag("model", name).tag("device", device)
                        .register(registry);
                Gauge.builder("inference.workers.busy", model, m -> m.busyWorkers(device))
                        .description("Predictor threads running a batch").tag("model", name).tag("device", device)
                        .register(registry);
                Gauge.builder("inference.model.load.duration", model,
                                m -> m.loadTime(device).map(ModelGauges::seconds).orElse(Double.NaN))
                        .description("Load and warm-up time of the model on the device").baseUnit("seconds")
                        .tag("model", name).tag("device", device).register(registry);
                Gauge.builder("inference.model.info", () -> 1).description("Served model, value always 1")
                        .tag("model", name).tag("version", model.spec().version())
                        .tag("architecture", model.spec().architecture().orElse("unknown")).tag("device", device)
                        .register(registry);
            }
        }
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
