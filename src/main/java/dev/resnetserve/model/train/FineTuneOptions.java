package dev.resnetserve.model.train;

import dev.resnetserve.model.Augmentation;
import dev.resnetserve.preprocess.PreprocessingSpec;

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
 * @param inputSize       the new model's input side in pixels, the base's preprocessing scaled to it (a ResNet ends
 *                        in global pooling, so its weights serve any size; small objects gain from a larger one,
 *                        docs/transfer-learning.md); 0: the base's own
 */
public record FineTuneOptions(
        FineTuneMode mode,
        int epochs,
        double validationSplit,
        long seed,
        int batch,
        float learningRate,
        Augmentation augmentation,
        boolean testViews,
        int inputSize) {

    public static final int MAX_EPOCHS = 500;
    /** The input sides a job may ask for: every cost of a job and of serving its model grows with the square. */
    public static final int MIN_INPUT_SIZE = 32;

    public static final int MAX_INPUT_SIZE = 512;
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
        if (inputSize != 0 && (inputSize < MIN_INPUT_SIZE || inputSize > MAX_INPUT_SIZE)) {
            throw new IllegalArgumentException(
                    "inputSize must be " + MIN_INPUT_SIZE + ".." + MAX_INPUT_SIZE + ", not " + inputSize);
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
                testViews != null && testViews,
                0);
    }

    /** These options with the new model's input side {@code side} (0: the base's). */
    public FineTuneOptions withInputSize(int side) {
        return new FineTuneOptions(
                mode, epochs, validationSplit, seed, batch, learningRate, augmentation, testViews, side);
    }

    /** The new model's input side: {@link #inputSize}, or {@code baseSide} (the base's) when that is 0. */
    public int inputSizeFrom(int baseSide) {
        return inputSize == 0 ? baseSide : inputSize;
    }

    /** The new model's preprocessing: the base's, scaled to {@link #inputSize} when one is given. */
    public PreprocessingSpec preprocessingFrom(PreprocessingSpec base) {
        return inputSize == 0 ? base : base.withInputSize(inputSize);
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
