package dev.resnetserve.inference;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.ZooModel;
import dev.resnetserve.model.InputSignature;
import dev.resnetserve.model.Labels;
import dev.resnetserve.model.ModelArtifact;
import dev.resnetserve.model.ModelLoader;
import dev.resnetserve.model.ModelSpec;
import dev.resnetserve.model.WorkerThreads;
import dev.resnetserve.model.resnet.ClassMap;
import dev.resnetserve.model.resnet.GradCam;
import dev.resnetserve.model.resnet.HeatMaps;
import dev.resnetserve.model.resnet.TorchScriptFeatures;
import dev.resnetserve.preprocess.PreprocessingSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model version as served: its queue and one pool per device, loaded and warmed up ({@link WorkerWarmUp}) as its
 * {@link VersionLifecycle} moves from loading to ready (or failed, with the reason) and stopped.
 */
public final class ServedModel {

    private static final Logger log = LoggerFactory.getLogger(ServedModel.class);

    private final ModelSpec spec;
    private final SchedulingSpec scheduling;
    private final List<Device> devices;
    private final InferenceQueue queue;
    private final List<DevicePool> pools = new CopyOnWriteArrayList<>(); // each pool guards its own workers
    private final VersionLifecycle lifecycle;
    private volatile ModelDetails details;
    private volatile PreprocessingSpec preprocessing;
    private final Map<String, Duration> loadTimes = new ConcurrentHashMap<>();
    private volatile WorkerWarmUp warmUp; // once the load has learnt the model's input
    private volatile int workersPerDevice;
    private volatile int batchMaxSize; // as configured, or less when the model's input fixes its batch size
    private volatile InputSignature input = InputSignature.ANY;

    public ServedModel(ModelSpec spec, SchedulingSpec scheduling, List<Device> devices) {
        this.spec = spec;
        this.scheduling = scheduling;
        this.devices = List.copyOf(devices);
        this.lifecycle = new VersionLifecycle(spec.name(), spec.version());
        this.queue =
                new InferenceQueue(scheduling.queueCapacity(), scheduling.requestTimeout(), scheduling.batchMaxSize());
        this.preprocessing = spec.preprocessing().orElse(PreprocessingSpec.imagenet());
        this.workersPerDevice = scheduling.workers();
        this.batchMaxSize = scheduling.batchMaxSize();
    }

    public String name() {
        return spec.name();
    }

    public ModelSpec spec() {
        return spec;
    }

    public SchedulingSpec scheduling() {
        return scheduling;
    }

    /** As configured; else as the model's own directory describes it (once located); else imagenet. */
    public PreprocessingSpec preprocessing() {
        return preprocessing;
    }

    public ModelState state() {
        return lifecycle.state();
    }

    public Optional<String> failure() {
        return lifecycle.failure();
    }

    public Optional<ModelDetails> details() {
        return Optional.ofNullable(details);
    }

    public List<String> devices() {
        return devices.stream().map(DeviceResolver::displayName).toList();
    }

    /**
     * The most requests one forward pass runs: {@code batch.max-size}, or the model's own batch size when its
     * input fixes a smaller one (an ONNX graph exported with a batch dimension of 1), once loaded.
     */
    public int batchMaxSize() {
        return batchMaxSize;
    }

    /** The batch size the model's input fixes, when it fixes one (known once loaded). */
    public OptionalInt fixedBatchSize() {
        return input.fixedBatchSize();
    }

    public int queueDepth() {
        return queue.depth();
    }

    /**
     * Every request and job queued for this version so far, a count that only grows: the difference between two
     * readings, less one's own, is the traffic that arrived between them.
     */
    public long queuedSoFar() {
        return queue.queuedSoFar();
    }

    /** The number of classes, once loaded. */
    public Optional<Labels> labels() {
        return details().map(ModelDetails::labels);
    }

    /** The model's input as {@code [channels, height, width]}. */
    public long[] inputShape() {
        return new long[] {3, preprocessing.height(), preprocessing.width()};
    }

    /**
     * Queues a preprocessed input. Fails at once when the model is not ready or its queue is full.
     */
    public CompletableFuture<InferenceResult> submit(float[] input) {
        lifecycle.checkReady();
        return queue.submit(input);
    }

    /**
     * Whether {@link #gradCam} can explain this model's answers: a ready network trained by this project, or a
     * TorchScript module exported with the README's recipe (its last residual stage reachable); not an ONNX graph.
     */
    public boolean supportsGradCam() {
        return state() == ModelState.READY
                && !pools.isEmpty()
                && HeatMaps.supportsGradCam(pools.get(0).model().getBlock());
    }

    /**
     * Whether this model's network pools its last stage by each channel's maximum (the demo's architecture): then
     * HiResCAM, not Grad-CAM, draws where the logit's evidence lies.
     */
    public boolean maxPooled() {
        return !pools.isEmpty() && HeatMaps.maxPooled(pools.get(0).model().getBlock());
    }

    /**
     * Whether integrated gradients ({@link #pathGradients}) can explain this model's answers: a ready network trained by this project
     * or any TorchScript module, which libtorch can differentiate; not an ONNX graph.
     */
    public boolean supportsIntegratedGradients() {
        return state() == ModelState.READY
                && !pools.isEmpty()
                && HeatMaps.supportsInputGradients(pools.get(0).model().getBlock());
    }

    /**
     * Whether this is a ready TorchScript module with the {@code features} method that fine-tuning embeds images with
     * (exported by {@code scripts/export-torchvision.py}).
     */
    public boolean hasTorchScriptFeatures() {
        return state() == ModelState.READY
                && !pools.isEmpty()
                && TorchScriptFeatures.hasFeatures(pools.get(0).model().getBlock());
    }

    /**
     * Queues a preprocessed input for a Grad-CAM or HiResCAM map ({@code weighting}) of class {@code target}
     * (negative: the top-1 class). A worker
     * of the model runs it, alone, between batches: it takes the same queue, admission and deadline as a
     * classification and the same threads, so explanations never run beside the workers on threads of their own.
     */
    public CompletableFuture<ClassMap> gradCam(float[] input, int target, GradCam.Weighting weighting) {
        lifecycle.checkReady();
        long[] shape = {1, 3, preprocessing.height(), preprocessing.width()};
        return queue.submit(
                        input,
                        deviceModel -> packed(HeatMaps.gradCam(
                                deviceModel.getBlock(),
                                deviceModel.getNDManager(),
                                input,
                                shape,
                                target,
                                0,
                                weighting)),
                        scheduling.requestTimeout())
                .thenApply(result -> unpacked(result.logits()));
    }

    /**
     * Queues one part of an integrated-gradients explanation: the summed gradients of {@code target}'s logit at
     * path points {@code from} to {@code from + count - 1} of {@code steps} ({@link HeatMaps#pathGradients}), a
     * job a worker runs as {@link #gradCam}. The service queues an explanation's parts one after another, so that
     * classification batches run between them instead of waiting behind all of its passes at once.
     * {@code baseline} ({@code [3, H, W]} flattened; {@code null}: 0) is where the path starts.
     */
    public CompletableFuture<float[]> pathGradients(
            float[] input, float[] baseline, int target, int from, int count, int steps) {
        lifecycle.checkReady();
        long[] shape = {1, 3, preprocessing.height(), preprocessing.width()};
        return queue.submit(
                        input,
                        deviceModel -> HeatMaps.pathGradients(
                                deviceModel.getBlock(),
                                deviceModel.getNDManager(),
                                input,
                                baseline,
                                shape,
                                target,
                                from,
                                count,
                                steps),
                        scheduling.requestTimeout())
                .thenApply(InferenceResult::logits);
    }

    /** A job's result as one row: target, height, width, classes, the logits, then the map. */
    private static float[] packed(ClassMap r) {
        float[] row = new float[4 + r.logits().length + r.map().length];
        row[0] = r.target();
        row[1] = r.height();
        row[2] = r.width();
        row[3] = r.logits().length;
        System.arraycopy(r.logits(), 0, row, 4, r.logits().length);
        System.arraycopy(r.map(), 0, row, 4 + r.logits().length, r.map().length);
        return row;
    }

    private static ClassMap unpacked(float[] row) {
        int classes = (int) row[3];
        return new ClassMap(
                (int) row[0],
                Arrays.copyOfRange(row, 4, 4 + classes),
                (int) row[1],
                (int) row[2],
                Arrays.copyOfRange(row, 4 + classes, row.length));
    }

    /**
     * As {@link #submit(float[])}, with a deadline {@code requestTimeout} from now instead of the model's request
     * timeout: the nearer of the two, when a client brings its own deadline (see {@link #requestTimeout(Duration)}).
     */
    public CompletableFuture<InferenceResult> submit(float[] input, Duration requestTimeout) {
        lifecycle.checkReady();
        return queue.submit(input, requestTimeout);
    }

    /** The model's request timeout, or the client's remaining time when that is shorter ({@code null}: none). */
    public Duration requestTimeout(Duration clientRemaining) {
        Duration own = scheduling.requestTimeout();
        return clientRemaining == null || clientRemaining.compareTo(own) >= 0
                ? own
                : (clientRemaining.isNegative() ? Duration.ZERO : clientRemaining);
    }

    /**
     * Refuses at once (503) when the model could not take {@code count} more requests now, so that an overloaded
     * service spends no CPU decoding images it will refuse anyway.
     */
    public void admit(int count) {
        lifecycle.checkReady();
        queue.checkRoom(count);
    }

    /** As {@link #admit(int)}, for a request whose deadline is {@code requestTimeout} from now. */
    public void admit(int count, Duration requestTimeout) {
        lifecycle.checkReady();
        queue.checkRoom(count, requestTimeout);
    }

    /** Loads the model on every device, warms up every batch size on every worker, then starts serving. */
    void load(ModelLoader loader, BatchObserver observer) {
        long start = System.nanoTime();
        if (!lifecycle.startLoading()) {
            return;
        }
        queue.startAccepting();
        try {
            ModelArtifact artifact = loader.locate(spec);
            if (spec.preprocessing().isEmpty()) {
                artifact.descriptor().flatMap(d -> d.preprocessing()).ifPresent(p -> preprocessing = p);
            }
            Optional<Labels> configuredLabels = loader.labels(spec, artifact);
            fitBatchesTo(loader.inputSignature(spec, artifact));
            if (scheduling.workersDerived()) {
                deriveWorkers(artifact);
            }
            warmUp = new WorkerWarmUp(
                    name(),
                    queue,
                    inputShape(),
                    input.fixedBatchSize(),
                    batchMaxSize,
                    scheduling.batchMaxDelay(),
                    observer,
                    loader.torchThreadsPerWorker(artifact, workersPerDevice));
            List<List<Worker>> workersByPool = new ArrayList<>();
            for (Device device : devices) {
                workersByPool.add(loadOn(device, loader, artifact));
            }
            Labels labels = checkLabels(configuredLabels, warmUp.outputClasses());
            details = new ModelDetails(
                    artifact.format(),
                    artifact.format().engine(),
                    ModelLoader.parameterCount(pools.get(0).model()),
                    labels,
                    Duration.ofNanos(System.nanoTime() - start));
            lifecycle.ready();
            for (int i = 0; i < pools.size(); i++) {
                pools.get(i).start(name(), workersByPool.get(i));
            }
            log.info(
                    "model '{}' ready on {} ({}, {}) with {} worker(s) each, batches of up to {}, {} classes, "
                            + "loaded in {} ms",
                    name(),
                    devices(),
                    details.format(),
                    details.engine(),
                    workersPerDevice,
                    batchMaxSize,
                    labels.size(),
                    details.loadTime().toMillis());
        } catch (RuntimeException | Error e) {
            String failure = lifecycle.failed(e);
            log.error("model '{}' failed to load: {}", name(), failure, e);
            pools.forEach(pool -> pool.model().close());
            pools.clear();
        }
    }

    /**
     * Checks the model's declared input against the preprocessing, and runs batches no larger than the batch size
     * the input fixes: a graph exported for one image at a time runs one at a time, whatever {@code batch.max-size}
     * says (a smaller batch than it fixes is padded by the runner).
     */
    private void fitBatchesTo(InputSignature signature) {
        signature.check(name(), inputShape());
        input = signature;
        OptionalInt fixed = signature.fixedBatchSize();
        if (fixed.isPresent() && fixed.getAsInt() < batchMaxSize) {
            log.info(
                    "model '{}' takes batches of exactly {} (input {}): it runs batches of up to {}, not the {} of "
                            + "batch.max-size",
                    name(),
                    fixed.getAsInt(),
                    signature,
                    fixed.getAsInt(),
                    batchMaxSize);
            batchMaxSize = fixed.getAsInt();
            queue.limitBatchSize(batchMaxSize);
        }
    }

    /** Workers per device by {@link WorkerThreads}' rule for this model's engine and size, logged. */
    private void deriveWorkers(ModelArtifact artifact) {
        boolean gpu = devices.stream().anyMatch(Device::isGpu);
        int cores = Runtime.getRuntime().availableProcessors();
        long bytes = artifact.weightBytes();
        WorkerThreads chosen =
                WorkerThreads.defaults(cores, gpu, artifact.format().engine(), bytes);
        workersPerDevice = chosen.workers();
        log.info(
                "model '{}' version '{}': {} per device, derived from {} core(s), {}, {}, weights of {} "
                        + "(WorkerThreads; set resnet.models.{}.workers to choose)",
                name(),
                spec.version(),
                chosen,
                cores,
                gpu ? "GPU" : "CPU",
                artifact.format().engine(),
                bytes == WorkerThreads.UNKNOWN_SIZE ? "unknown size" : (bytes >> 20) + " MiB",
                name());
    }

    /** One device's copy of the model and its warmed-up workers, not yet started. */
    private List<Worker> loadOn(Device device, ModelLoader loader, ModelArtifact artifact) {
        long start = System.nanoTime();
        lifecycle.loadingOnDevice();
        ZooModel<NDList, NDList> model = loader.load(spec, artifact, device, workersPerDevice);
        pools.add(new DevicePool(device, model));
        lifecycle.warmingUp();
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < workersPerDevice; i++) {
            workers.add(warmUp.warmWorker(model));
        }
        loadTimes.put(DeviceResolver.displayName(device), Duration.ofNanos(System.nanoTime() - start));
        return workers;
    }

    /** Predictor threads per device: as configured, then as last scaled. */
    public int targetWorkersPerDevice() {
        return workersPerDevice;
    }

    /**
     * Adds or retires predictor threads on every device of a ready model. New workers are warmed up before they
     * take a request; retired ones finish their current batch first, so no request fails.
     */
    public synchronized void scaleWorkers(int target) {
        lifecycle.checkReadyTo("scaled");
        List<Thread> ending = new ArrayList<>();
        for (DevicePool pool : pools) {
            ending.addAll(pool.scaleTo(name(), target, () -> warmUp.warmWorker(pool.model())));
        }
        workersPerDevice = target;
        for (Thread thread : ending) {
            try {
                thread.join(scheduling.requestTimeout().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.info("model '{}' version '{}' now runs {} worker(s) per device", name(), spec.version(), target);
    }

    private Labels checkLabels(Optional<Labels> labels, int classes) {
        if (labels.isEmpty()) {
            return Labels.numbered(classes);
        }
        if (labels.get().size() != classes) {
            throw new IllegalStateException(
                    "the labels list has " + labels.get().size() + " classes but the model " + "outputs " + classes);
        }
        return labels.get();
    }

    /** Refuses new requests, lets queued ones finish within the grace period, then releases the models. */
    synchronized void stop(Duration grace) {
        queue.stopAccepting();
        long deadline = System.nanoTime() + grace.toNanos();
        pools.forEach(pool -> pool.stop(deadline));
        pools.clear();
        queue.failRemaining(new ModelNotReadyException("model '" + name() + "' stopped"));
        lifecycle.stopped();
        log.info("model '{}' stopped and released", name());
    }

    /** NDArrays alive in native memory for this model, over all devices: steady once warmed up. */
    public int liveNativeArrays() {
        return pools.stream().mapToInt(DevicePool::liveNativeArrays).sum();
    }

    /** Load and warm-up time of the model on {@code device}, once done. */
    public Optional<Duration> loadTime(String device) {
        return Optional.ofNullable(loadTimes.get(device));
    }

    /** Worker threads running on {@code device} ({@code cpu}, {@code gpu0}...): zero until loaded. */
    public int runningWorkers(String device) {
        return pools.stream()
                .filter(p -> p.device().equals(device))
                .mapToInt(DevicePool::workerCount)
                .sum();
    }

    /** Worker threads on {@code device} running a batch right now. */
    public int busyWorkers(String device) {
        return pools.stream()
                .filter(p -> p.device().equals(device))
                .mapToInt(DevicePool::busyWorkers)
                .sum();
    }
}
