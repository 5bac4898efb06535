package dev.resnetserve.api;

import dev.resnetserve.finetune.FineTuneJob;
import dev.resnetserve.model.train.FineTuner;
import java.util.Map;

/**
 * A fine-tuning job as {@code GET /v1/jobs/{id}} shows it.
 *
 * @param progress where a running job is (phase embedding, then training)
 * @param metrics  what it learned, once it succeeded
 * @param error    why it failed
 */
public record JobResponse(
        String id,
        String state,
        String base,
        String name,
        String version,
        String mode,
        String submitted,
        Progress progress,
        Metrics metrics,
        String error) {

    /** Embedding counts images (views of training images included); training counts epochs. */
    public record Progress(String phase, int done, int total, int epoch, int epochs) {}

    /**
     * @param perClass  validation accuracy per class; null for a class with nothing held out
     * @param confusion validation counts, row: true class, column: predicted, classes in the order of {@code classes}
     */
    public record Metrics(
            double trainAccuracy,
            Double validationAccuracy,
            Map<String, Double> perClass,
            int[][] confusion,
            java.util.List<String> classes,
            int images,
            int trainingImages,
            int validationImages,
            int skipped,
            double seconds) {

        static Metrics of(FineTuner.Report r) {
            return new Metrics(
                    r.trainAccuracy(),
                    r.validationAccuracy(),
                    r.perClass(),
                    r.confusion(),
                    r.labels(),
                    r.images(),
                    r.trainingImages(),
                    r.validationImages(),
                    r.skipped(),
                    r.took().toMillis() / 1000.0);
        }
    }

    static JobResponse of(FineTuneJob job) {
        FineTuneJob.Progress p = job.progress();
        return new JobResponse(
                job.id(),
                job.state().name(),
                job.base(),
                job.name(),
                job.version(),
                job.options().mode().wireName(),
                job.submitted().toString(),
                new Progress(p.phase(), p.done(), p.total(), p.epoch(), p.epochs()),
                job.report().map(Metrics::of).orElse(null),
                job.error().orElse(null));
    }
}
