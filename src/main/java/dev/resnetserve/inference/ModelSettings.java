package dev.resnetserve.inference;

import dev.resnetserve.model.ModelFormat;
import dev.resnetserve.model.ModelSpec;
import dev.resnetserve.model.WorkerThreads;
import dev.resnetserve.preprocess.PreprocessingSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One model version's settings, each with its default and its bounds in this one place. Configuration
 * ({@code resnet.models.*}) and registration ({@code POST /v1/models}) give optional values to {@link #builder()},
 * which fills in the defaults and checks the bounds; the serving code reads the {@link ModelSpec} and
 * {@link SchedulingSpec} made from it. Adding a setting: a component here, its default and bound, and its use.
 *
 * @param version        a free-form version string
 * @param format         how the weights are stored; empty: detected from the files
 * @param labels         where the labels are; empty: {@code synset.txt} beside the model, else {@code class_<i>}
 * @param architecture   e.g. {@code resnet50}, when known
 * @param preprocessing  empty: as the model directory describes it, else imagenet
 * @param devices        one pool per device: {@code cpu}, {@code gpu}, {@code gpu0}, ...
 * @param workers        predictor threads per device; default {@link WorkerThreads#defaults}: one per core on the
 *                       CPU (at most {@value WorkerThreads#MAX_DEFAULT_WORKERS}), one on a GPU
 * @param workersDerived whether {@code workers} was derived rather than set
 * @param queueCapacity  requests waiting for a worker before new ones are refused
 * @param batchMaxSize   most requests in one forward pass
 * @param batchMaxDelay  how long a partial batch waits for more; zero: never
 * @param requestTimeout deadline from arrival (admission predicts against it; still queued then: dropped)
 * @param cpuFallback    run on the CPU when an asked-for GPU is absent, instead of failing
 */
public record ModelSettings(
        String version,
        Optional<ModelFormat> format,
        Optional<String> labels,
        Optional<String> architecture,
        Optional<PreprocessingSpec> preprocessing,
        List<String> devices,
        int workers,
        boolean workersDerived,
        int queueCapacity,
        int batchMaxSize,
        Duration batchMaxDelay,
        Duration requestTimeout,
        boolean cpuFallback) {

    public static final String DEFAULT_VERSION = "1";
    /** What a model may be called: it appears in URLs, file names and metric labels. */
    public static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}";
    /** What a version may be called. */
    public static final String VERSION_PATTERN = "[A-Za-z0-9][A-Za-z0-9_.-]{0,31}";

    public static final String DEFAULT_DEVICE = "cpu";
    /** The devices a setting may name, as a pattern for validation annotations. */
    public static final String DEVICE_PATTERN = "cpu|gpu\\d*";

    public static final int MAX_WORKERS = 64;
    public static final int DEFAULT_QUEUE_CAPACITY = 64;
    public static final int MAX_QUEUE_CAPACITY = 100_000;
    public static final int DEFAULT_BATCH_MAX_SIZE = 8;
    public static final int MAX_BATCH_MAX_SIZE = 256;
    public static final long DEFAULT_BATCH_MAX_DELAY_MS = 5;
    public static final long MAX_BATCH_MAX_DELAY_MS = 10_000;
    public static final long DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
    public static final long MAX_REQUEST_TIMEOUT_MS = 600_000;

    public ModelSettings {
        devices = List.copyOf(devices);
        check(version != null && !version.isBlank(), "version", "must not be blank");
        check(
                !devices.isEmpty() && devices.stream().allMatch(d -> d.matches(DEVICE_PATTERN)),
                "devices",
                "are cpu, gpu, gpu0, gpu1, ...");
        check(workers >= 1 && workers <= MAX_WORKERS, "workers", "must be 1 to " + MAX_WORKERS);
        check(
                queueCapacity >= 1 && queueCapacity <= MAX_QUEUE_CAPACITY,
                "queueCapacity",
                "must be 1 to " + MAX_QUEUE_CAPACITY);
        check(
                batchMaxSize >= 1 && batchMaxSize <= MAX_BATCH_MAX_SIZE,
                "batchMaxSize",
                "must be 1 to " + MAX_BATCH_MAX_SIZE);
        check(
                !batchMaxDelay.isNegative() && batchMaxDelay.toMillis() <= MAX_BATCH_MAX_DELAY_MS,
                "batchMaxDelay",
                "must be 0 to " + MAX_BATCH_MAX_DELAY_MS + " ms");
        check(
                requestTimeout.toNanos() > 0 && requestTimeout.toMillis() <= MAX_REQUEST_TIMEOUT_MS,
                "requestTimeout",
                "must be above 0 and at most " + MAX_REQUEST_TIMEOUT_MS + " ms");
    }

    /** Every setting at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** What the model is and where it comes from. */
    public ModelSpec spec(String name, String location) {
        return new ModelSpec(name, version, location, labels, architecture, preprocessing, format);
    }

    /** How its requests are queued, batched and spread over devices. */
    public SchedulingSpec scheduling() {
        return new SchedulingSpec(
                devices,
                workers,
                queueCapacity,
                batchMaxSize,
                batchMaxDelay,
                requestTimeout,
                cpuFallback,
                workersDerived);
    }

    private static void check(boolean valid, String setting, String rule) {
        if (!valid) {
            throw new IllegalArgumentException(setting + " " + rule);
        }
    }

    /** Optional values in, defaults filled in: a null leaves the setting at its default. */
    public static final class Builder {

        private String version;
        private ModelFormat format;
        private int cores = Runtime.getRuntime().availableProcessors();
        private String labels;
        private String architecture;
        private PreprocessingSpec preprocessing;
        private List<String> devices;
        private Integer workers;
        private Integer queueCapacity;
        private Integer batchMaxSize;
        private Duration batchMaxDelay;
        private Duration requestTimeout;
        private Boolean cpuFallback;

        private Builder() {}

        public Builder version(String value) {
            version = value;
            return this;
        }

        public Builder format(ModelFormat value) {
            format = value;
            return this;
        }

        /** The cores the default workers are derived from: this machine's unless told. */
        public Builder cores(int value) {
            cores = value;
            return this;
        }

        public Builder labels(String value) {
            labels = value;
            return this;
        }

        public Builder architecture(String value) {
            architecture = value;
            return this;
        }

        public Builder preprocessing(PreprocessingSpec value) {
            preprocessing = value;
            return this;
        }

        public Builder devices(List<String> value) {
            devices = value;
            return this;
        }

        public Builder workers(Integer value) {
            workers = value;
            return this;
        }

        public Builder queueCapacity(Integer value) {
            queueCapacity = value;
            return this;
        }

        public Builder batchMaxSize(Integer value) {
            batchMaxSize = value;
            return this;
        }

        public Builder batchMaxDelay(Duration value) {
            batchMaxDelay = value;
            return this;
        }

        public Builder requestTimeout(Duration value) {
            requestTimeout = value;
            return this;
        }

        public Builder cpuFallback(Boolean value) {
            cpuFallback = value;
            return this;
        }

        /** The settings; throws {@link IllegalArgumentException} naming a setting out of its bounds. */
        public ModelSettings build() {
            List<String> onDevices = devices != null && !devices.isEmpty() ? devices : List.of(DEFAULT_DEVICE);
            boolean gpu = onDevices.stream().anyMatch(d -> !d.equals(DEFAULT_DEVICE));
            return new ModelSettings(
                    version != null ? version : DEFAULT_VERSION,
                    Optional.ofNullable(format),
                    Optional.ofNullable(labels),
                    Optional.ofNullable(architecture),
                    Optional.ofNullable(preprocessing),
                    onDevices,
                    workers != null
                            ? workers
                            : WorkerThreads.defaults(cores, gpu).workers(),
                    workers == null,
                    queueCapacity != null ? queueCapacity : DEFAULT_QUEUE_CAPACITY,
                    batchMaxSize != null ? batchMaxSize : DEFAULT_BATCH_MAX_SIZE,
                    batchMaxDelay != null ? batchMaxDelay : Duration.ofMillis(DEFAULT_BATCH_MAX_DELAY_MS),
                    requestTimeout != null ? requestTimeout : Duration.ofMillis(DEFAULT_REQUEST_TIMEOUT_MS),
                    Boolean.TRUE.equals(cpuFallback));
        }
    }
}
