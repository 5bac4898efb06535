package dev.resnetserve.model.train;

import dev.resnetserve.model.Augmentation;

/**
 * How a fine-tuning job trains, each value with its default and bound in this one place (the API, the command line
 * and the job service all build it here).
 *
 * @param mode            what is trained
 * @param epochs          passes over the training images
 * @param validationSplit share of each class held out (stratified, chosen by the seed before any training)
 * @param seed            the split, the shuffles and the new layer's initial weights
 * @param batch           images per training step
 * @param learningRate    Adam's starting rate, decaying by cosine to a hundredth of it
 * @param augmentation    the views of each training image learned from
 * @param testViews       whether the new model answers the mean of its answers on the augmentation's views of each
 *                        image ({@code model.resnet.ViewMean}): as many passes per image as views, for a few points
 *                        of accuracy (docs/transfer-learning.md); needs an augmentation
 */
public record FineTuneOptions(
        FineTuneMode mode,
        int epochs,
        double validationSplit,
        long seed,
        int batch,
        float learningRate,
        Augmentation augmentation,
        boolean testViews) {

    public static final int MAX_EPOCHS = 500;
    public static final double MAX_VALIDATION_SPLIT = 0.5;
    public static final long DEFAULT_SEED = 42;

    public FineTuneOptions {
        if (epochs < 1 || epochs > MAX_EPOCHS) {
            throw new IllegalArgumentException("epochs must be 1.." + MAX_EPOCHS + ", not " + epochs);
        }
        if (!(validationSplit >= 0 && validationSplit <= MAX_VALIDATION_SPLIT)) {
            throw new IllegalArgumentException(
                    "validationSplit must be 0.." + MAX_VALIDATION_SPLIT + ", not " + validationSplit);
        }
        if (batch < 1 || batch > 256) {
            throw new IllegalArgumentException("batch must be 1..256, not " + batch);
        }
        if (testViews && augmentation == Augmentation.NONE) {
            throw new IllegalArgumentException("testViews needs an augmentation (mirror or dihedral): its views are "
                    + "the ones the model answers the mean of");
        }
    }

    /** The defaults for {@code mode}, with any given value in place of its default. */
    public static FineTuneOptions of(
            FineTuneMode mode,
            Integer epochs,
            Double validationSplit,
            Long seed,
            Augmentation augmentation,
            Boolean testViews) {
        FineTuneMode m = mode == null ? FineTuneMode.HEAD : mode;
        return new FineTuneOptions(
                m,
                epochs != null ? epochs : m == FineTuneMode.HEAD ? 60 : 20,
                validationSplit != null ? validationSplit : 0.15,
                seed != null ? seed : DEFAULT_SEED,
                16,
                m == FineTuneMode.HEAD ? 0.01f : 0.001f,
                augmentation != null ? augmentation : Augmentation.MIRROR,
                testViews != null && testViews);
    }

    /**
     * The views the new model answers the mean of, and validation is measured on: the augmentation's with
     * {@code testViews}, else the image alone.
     */
    public Augmentation answeredViews() {
        return testViews ? augmentation : Augmentation.NONE;
    }

    /** {@code true} or {@code false}, nothing else. */
    public static boolean flag(String name, String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, not '" + value + "'");
        };
    }
}
