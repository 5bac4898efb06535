package dev.resnetserve.model.train;

import ai.djl.metric.Metrics;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import java.io.PrintStream;
import java.util.Locale;

/** Prints one line per epoch: training loss and accuracy, validation loss and accuracy. */
final class EpochReport extends TrainingListenerAdapter {

    private final PrintStream out;
    private int epoch;

    EpochReport(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onTrainingBegin(Trainer trainer) {
        if (trainer.getMetrics() == null) {
            trainer.setMetrics(new Metrics());
        }
    }

    @Override
    public void onEpoch(Trainer trainer) {
        epoch++;
        Metrics m = trainer.getMetrics();
        out.printf(
                Locale.ROOT,
                "%nepoch %d: train loss %.4f accuracy %.4f | validation loss %.4f accuracy %.4f%n",
                epoch,
                latest(m, "train_epoch_SoftmaxCrossEntropyLoss"),
                latest(m, "train_epoch_Accuracy"),
                latest(m, "validate_epoch_SoftmaxCrossEntropyLoss"),
                latest(m, "validate_epoch_Accuracy"));
    }

    private static double latest(Metrics metrics, String name) {
        return metrics.hasMetric(name) ? metrics.latestMetric(name).getValue() : Double.NaN;
    }
}
