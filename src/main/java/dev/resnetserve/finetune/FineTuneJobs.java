package dev.resnetserve.finetune;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.ZooModel;
import dev.resnetserve.error.ErrorCode;
import dev.resnetserve.error.ServiceException;
import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.inference.ModelState;
import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.model.Augmentation;
import dev.resnetserve.model.ModelArtifact;
import dev.resnetserve.model.ModelDescriptor;
import dev.resnetserve.model.ModelLoader;
import dev.resnetserve.model.train.FineTuneMode;
import dev.resnetserve.model.train.FineTuneOptions;
import dev.resnetserve.model.train.FineTuner;
import dev.resnetserve.model.train.LabelledImage;
import dev.resnetserve.model.train.TrainingSet;
import dev.resnetserve.preprocess.ImageDecoder;
import dev.resnetserve.preprocess.PreprocessingSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs fine-tuning jobs: checks a submission before it costs anything (the base can be fine-tuned, the data set
 * splits, its cached activations fit, there is room), queues it, runs it on a bounded number of job threads, and on
 * success writes the new model into the {@link ModelRepository} and serves it. Ended jobs are kept, the most recent
 * {@code maxKeptJobs}, for {@code GET /v1/jobs}.
 */
public final class FineTuneJobs implements AutoCloseable {

    /**
     * @param maxConcurrentJobs jobs running at once
     * @param maxQueuedJobs     jobs waiting for a job thread; more are refused with 429
     * @param threads           decode threads of one job
     * @param maxKeptJobs       ended jobs remembered
     * @param maxCacheBytes     activations one job may cache (images x views x activations of the frozen part)
     * @param maxJobDuration    how long a job may run, from leaving the queue; then it ends FAILED at its next batch
     */
    public record Limits(
            int maxConcurrentJobs,
            int maxQueuedJobs,
            int threads,
            int maxKeptJobs,
            long maxCacheBytes,
            Duration maxJobDuration) {}

    private static final Logger log = LoggerFactory.getLogger(FineTuneJobs.class);

    private final ModelRegistry registry;
    private final ModelLoader loader;
    private final ImageDecoder decoder;
    private final ModelRepository repository;
    private final Limits limits;
    private final JobObserver observer;
    private final Clock clock;
    private final ExecutorService executor;
    private final Map<String, FineTuneJob> jobs = new LinkedHashMap<>();
    private final JsonMapper json = JsonMapper.builder().build();

    public FineTuneJobs(
            ModelRegistry registry,
            ModelLoader loader,
            ImageDecoder decoder,
            ModelRepository repository,
            Limits limits,
            JobObserver observer,
            Clock clock) {
        this.registry = registry;
        this.loader = loader;
        this.decoder = decoder;
        this.repository = repository;
        this.limits = limits;
        this.observer = observer;
        this.clock = clock;
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(
                limits.maxConcurrentJobs(),
                limits.maxConcurrentJobs(),
                0,
                TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "fine-tune-" + threadNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * Queues a job teaching {@code base} the classes of {@code images}, to be served as {@code name} (version
     * {@code version}, else the next free number).
     *
     * @throws ServiceException 404 for an unknown base, 503 for one not ready, 400 for a base that cannot be
     *                          fine-tuned or a data set that cannot be split, 409 for a version that exists, 413 when
     *                          the activations would not fit, 429 when the queue is full
     */
    public FineTuneJob submit(
            String base, String name, Optional<String> version, FineTuneOptions options, List<LabelledImage> images) {
        Base located = fineTunable(base);
        PreprocessingSpec preprocessing = located.model().preprocessing();
        PreprocessingSpec input = options.preprocessingFrom(preprocessing); // the new model's
        if (options.augmentation() == Augmentation.DIHEDRAL && input.width() != input.height()) {
            throw new ServiceException(
                    ErrorCode.INVALID_PARAMETER,
                    "augmentation dihedral turns images a quarter: it needs a square model input, the new model"
                            + " would take " + input.width() + "x" + input.height());
        }
        TrainingSet set;
        try {
            set = TrainingSet.split(images, options.validationSplit(), options.seed());
        } catch (IllegalArgumentException unusable) {
            throw new ServiceException(ErrorCode.INVALID_DATASET, unusable.getMessage());
        }
        long views = (long) set.training().size() * options.augmentation().views()
                + (long) set.validation().size() * options.answeredViews().views();
        if (located.torchScript().isPresent() && options.mode() != FineTuneMode.HEAD) {
            throw new ServiceException(
                    ErrorCode.INVALID_PARAMETER,
                    "'" + base + "' is a TorchScript module: it is fine-tuned in mode head only, its network frozen");
        }
        long cache = views
                * located.descriptor()
                        .map(d -> FineTuner.cachedBytesPerView(d, options))
                        .orElse(TORCHSCRIPT_FEATURE_BYTES);
        if (cache > limits.maxCacheBytes()) {
            throw new ServiceException(
                    ErrorCode.BODY_TOO_LARGE,
                    String.format(
                            java.util.Locale.ROOT,
                            "%d image views in mode %s would cache %d MiB of activations, more than"
                                    + " resnet.training.max-cache-size (%d MiB): send fewer images, or use mode head",
                            views,
                            options.mode().wireName(),
                            cache >> 20,
                            limits.maxCacheBytes() >> 20));
        }
        synchronized (jobs) {
            String v = version.orElseGet(() -> repository.nextVersion(name));
            boolean taken = repository.holds(name, v)
                    || repository.served(name).stream()
                            .anyMatch(m -> m.spec().version().equals(v))
                    || jobs.values().stream()
                            .anyMatch(j -> !j.state().ended()
                                    && j.name().equals(name)
                                    && j.version().equals(v));
            if (taken) {
                throw new ServiceException(
                        ErrorCode.MODEL_CONFLICT, "model '" + name + "' already has a version '" + v + "'");
            }
            long waiting =
                    jobs.values().stream().filter(j -> !j.state().ended()).count();
            if (waiting >= limits.maxConcurrentJobs() + limits.maxQueuedJobs()) {
                throw new ServiceException(
                        ErrorCode.TOO_MANY_JOBS,
                        waiting + " fine-tuning jobs are running or queued, the most"
                                + " resnet.training.max-concurrent-jobs and max-queued-jobs allow");
            }
            FineTuneJob job = new FineTuneJob(UUID.randomUUID().toString(), base, name, v, options, clock.instant());
            jobs.put(job.id(), job);
            forgetOldJobs();
            executor.execute(() -> run(job, located, preprocessing, set));
            log.info(
                    "fine-tuning job {}: {} -> {}/{}, mode {}, {} classes, {} training and {} validation images",
                    job.id(),
                    base,
                    name,
                    v,
                    options.mode().wireName(),
                    set.labels().size(),
                    set.training().size(),
                    set.validation().size());
            return job;
        }
    }

    /**
     * The served default version of {@code base}, when it is ready and can be fine-tuned: checked before an upload
     * is read.
     */
    public ServedModel requireFineTunable(String base) {
        return fineTunable(base).model();
    }

    /**
     * A base that can be fine-tuned, with where its files are (located once per submission): a network trained by
     * this project (its descriptor), or a TorchScript module (its file).
     */
    private record Base(
            ServedModel model,
            ModelArtifact artifact,
            Optional<ModelDescriptor> descriptor,
            Optional<Path> torchScript) {}

    /** What the cache is sized by for one view of a TorchScript base: 2048 features (ResNet-50 and deeper). */
    private static final long TORCHSCRIPT_FEATURE_BYTES = 4L * 2048;

    private Base fineTunable(String base) {
        ServedModel model = registry.require(base);
        if (model.state() != ModelState.READY) {
            throw new ServiceException(ErrorCode.MODEL_NOT_READY, "model '" + base + "' is " + model.state());
        }
        ModelArtifact artifact;
        try {
            artifact = loader.locate(model.spec());
        } catch (RuntimeException e) {
            throw new ServiceException(ErrorCode.INVALID_REQUEST, "cannot read model '" + base + "'", e);
        }
        Optional<ModelDescriptor> descriptor = artifact.descriptor();
        if (descriptor.isPresent() && descriptor.get().backbone().isPresent()) {
            throw new ServiceException(
                    ErrorCode.INVALID_REQUEST,
                    "model '" + base + "' was fine-tuned from a TorchScript module: fine-tune that module instead");
        }
        if (descriptor.isPresent()) {
            return new Base(model, artifact, descriptor, Optional.empty()); // cut before its classifier
        }
        Optional<Path> torchScript = artifact.torchScriptFile();
        if (torchScript.isEmpty()) {
            throw new ServiceException(
                    ErrorCode.INVALID_REQUEST,
                    "model '" + base + "' is neither a network trained by this project (it has no "
                            + ModelDescriptor.FILE_NAME + ") nor a local TorchScript file; fine-tuning needs one"
                            + " (docs/transfer-learning.md)");
        }
        if (!model.hasTorchScriptFeatures()) {
            throw new ServiceException(
                    ErrorCode.INVALID_REQUEST,
                    "model '" + base + "' is a TorchScript module without a 'features' method (the penultimate"
                            + " features): export it with scripts/export-torchvision.py (docs/transfer-learning.md)");
        }
        return new Base(model, artifact, Optional.empty(), torchScript);
    }

    public Optional<FineTuneJob> get(String id) {
        synchronized (jobs) {
            return Optional.ofNullable(jobs.get(id));
        }
    }

    /** Every job remembered, the newest first. */
    public List<FineTuneJob> all() {
        synchronized (jobs) {
            List<FineTuneJob> all = new ArrayList<>(jobs.values());
            all.sort(Comparator.comparing(FineTuneJob::submitted).reversed());
            return all;
        }
    }

    /**
     * Cancels a job: a queued one at once, a running one at its next batch (its state says CANCELLED only then).
     * An ended job stays as it ended.
     */
    public FineTuneJob cancel(String id) {
        FineTuneJob job = get(id).orElseThrow(() -> notFound(id));
        job.requestCancel();
        if (job.moveFrom(JobState.QUEUED, JobState.CANCELLED)) { // still queued: the job thread will skip it
            ended(job);
        }
        return job;
    }

    private void run(FineTuneJob job, Base located, PreprocessingSpec preprocessing, TrainingSet set) {
        if (!job.moveTo(JobState.RUNNING)) {
            return; // cancelled while queued
        }
        Instant deadline = clock.instant().plus(limits.maxJobDuration());
        observer.started(job);
        Path staged = null;
        try {
            staged = repository.stage();
            FineTuner.Report report;
            try (ZooModel<NDList, NDList> base =
                    loader.load(located.model().spec(), located.artifact(), Device.cpu())) {
                FineTuner tuner = new FineTuner(decoder, limits.threads());
                FineTuner.Task task = new FineTuner.Task(
                        preprocessing, set, job.options(), job.name(), staged, new JobProgress(job, clock, deadline));
                report = located.torchScript().isPresent()
                        ? tuner.runOnTorchScript(
                                base.getBlock(), located.torchScript().get(), task)
                        : tuner.run(base.getBlock(), located.descriptor().orElseThrow(), task);
            }
            Files.writeString(staged.resolve("fine-tune.json"), summary(job, report));
            repository.writeSettings(staged, located.model().scheduling());
            if (job.cancelRequested() || overran(deadline)) {
                throw new CancellationException("cancelled");
            }
            repository.publish(staged, job.name(), job.version());
            staged = null;
            repository.register(job.name(), job.version());
            job.succeeded(report);
            log.info(
                    "fine-tuning job {} succeeded: {}/{} validation accuracy {} in {} s",
                    job.id(),
                    job.name(),
                    job.version(),
                    report.validationAccuracy(),
                    report.took().toSeconds());
        } catch (CancellationException stopped) {
            if (job.cancelRequested()) {
                job.moveTo(JobState.CANCELLED);
                log.info("fine-tuning job {} cancelled", job.id());
            } else {
                String why = "the job ran longer than resnet.training.max-job-duration (" + limits.maxJobDuration()
                        + ") and was stopped: send fewer images or epochs, or use mode head";
                job.failed(why);
                log.warn("fine-tuning job {} failed: {}", job.id(), why);
            }
        } catch (ServiceException | IllegalArgumentException refused) {
            job.failed(refused.getMessage());
            log.info("fine-tuning job {} failed: {}", job.id(), refused.getMessage());
        } catch (Exception | OutOfMemoryError e) {
            job.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
            log.warn("fine-tuning job {} failed", job.id(), e);
        } finally {
            if (staged != null) {
                try {
                    FileSystemUtils.deleteRecursively(staged);
                } catch (IOException e) {
                    log.warn("cannot remove {}: {}", staged, e.toString());
                }
            }
            ended(job);
        }
    }

    private boolean overran(Instant deadline) {
        return clock.instant().isAfter(deadline);
    }

    private void ended(FineTuneJob job) {
        observer.ended(job, Duration.between(job.submitted(), clock.instant()));
    }

    private String summary(FineTuneJob job, FineTuner.Report report) throws IOException {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("job", job.id());
        summary.put("base", job.base());
        summary.put("name", job.name());
        summary.put("version", job.version());
        summary.put("mode", job.options().mode().wireName());
        summary.put("epochs", job.options().epochs());
        summary.put("augmentation", job.options().augmentation().wireName());
        summary.put("testViews", job.options().testViews());
        if (job.options().inputSize() != 0) {
            summary.put("inputSize", job.options().inputSize());
        }
        summary.put("seed", job.options().seed());
        summary.put("validationSplit", job.options().validationSplit());
        summary.put("report", report);
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(summary);
    }

    private void forgetOldJobs() {
        List<FineTuneJob> ended = all().stream().filter(j -> j.state().ended()).toList();
        for (int i = limits.maxKeptJobs(); i < ended.size(); i++) {
            jobs.remove(ended.get(i).id());
        }
    }

    static ServiceException notFound(String id) {
        return new ServiceException(ErrorCode.NOT_FOUND, "no fine-tuning job '" + id + "'");
    }

    /** Stops taking jobs and cancels the running ones at their next batch. */
    @Override
    public void close() {
        all().forEach(job -> {
            job.requestCancel();
            job.moveTo(JobState.CANCELLED);
        });
        executor.shutdownNow();
    }

    /** Copies the tuner's progress onto the job; stops it when cancelled or past its deadline. */
    private record JobProgress(FineTuneJob job, Clock clock, Instant deadline) implements FineTuner.Progress {
        @Override
        public void embedding(int done, int total) {
            job.progress(new FineTuneJob.Progress(
                    "embedding", done, total, 0, job.options().epochs()));
        }

        @Override
        public void training(int epoch, int epochs) {
            job.progress(new FineTuneJob.Progress("training", 0, 0, epoch, epochs));
        }

        @Override
        public boolean cancelled() {
            return job.cancelRequested() || clock.instant().isAfter(deadline);
        }
    }
}
