package dev.resnetserve.finetune;

import dev.resnetserve.model.train.FineTuneOptions;
import dev.resnetserve.model.train.FineTuner;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One fine-tuning job: what it was asked for, where it is ({@link JobState}, {@link Progress}) and, once ended, its
 * report or error. Read by any thread; written by the job's thread and by a cancel.
 */
public final class FineTuneJob {

    /** Where a running job is: embedding images, then training epochs. */
    public record Progress(String phase, int done, int total, int epoch, int epochs) {
        static final Progress NONE = new Progress("queued", 0, 0, 0, 0);

        /** 0 to 1: embedding counts for the first half, training for the second. */
        public double fraction() {
            return switch (phase) {
                case "embedding" -> total == 0 ? 0 : 0.5 * done / total;
                case "training" -> epochs == 0 ? 0.5 : 0.5 + 0.5 * epoch / epochs;
                default -> 0;
            };
        }
    }

    private final String id;
    private final String base;
    private final String name;
    private final String version;
    private final FineTuneOptions options;
    private final Instant submitted;
    private final AtomicReference<JobState> state = new AtomicReference<>(JobState.QUEUED);
    private volatile Progress progress = Progress.NONE;
    private volatile FineTuner.Report report;
    private volatile String error;
    private volatile boolean cancelRequested;

    FineTuneJob(String id, String base, String name, String version, FineTuneOptions options, Instant submitted) {
        this.id = id;
        this.base = base;
        this.name = name;
        this.version = version;
        this.options = options;
        this.submitted = submitted;
    }

    public String id() {
        return id;
    }

    public String base() {
        return base;
    }

    public String name() {
        return name;
    }

    public String version() {
        return version;
    }

    public FineTuneOptions options() {
        return options;
    }

    public Instant submitted() {
        return submitted;
    }

    public JobState state() {
        return state.get();
    }

    public Progress progress() {
        return progress;
    }

    public Optional<FineTuner.Report> report() {
        return Optional.ofNullable(report);
    }

    public Optional<String> error() {
        return Optional.ofNullable(error);
    }

    boolean cancelRequested() {
        return cancelRequested;
    }

    void requestCancel() {
        cancelRequested = true;
    }

    void progress(Progress now) {
        progress = now;
    }

    void succeeded(FineTuner.Report finished) {
        report = finished;
        moveTo(JobState.SUCCEEDED);
    }

    void failed(String why) {
        error = why;
        moveTo(JobState.FAILED);
    }

    /** Moves from {@code expected} to {@code next}, only if the job is in {@code expected} now. */
    boolean moveFrom(JobState expected, JobState next) {
        return expected.mayBecome(next) && state.compareAndSet(expected, next);
    }

    /** Moves to {@code next} if the current state allows it; false when the job had already moved elsewhere. */
    boolean moveTo(JobState next) {
        JobState current;
        do {
            current = state.get();
            if (!current.mayBecome(next)) {
                return false;
            }
        } while (!state.compareAndSet(current, next));
        return true;
    }
}
