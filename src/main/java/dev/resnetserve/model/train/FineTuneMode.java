package dev.resnetserve.model.train;

import java.util.Locale;

/** What fine-tuning trains of the base network; everything before it stays as the base model has it. */
public enum FineTuneMode {
    /** A new linear classifier on the penultimate features (Teachable Machine's recipe): fastest, fewest images. */
    HEAD,
    /** The last residual stage and a new classifier: slower, more to learn from, for classes far from the base's. */
    LAST_STAGE,
    /** Every layer, from the base's weights: the most to learn, the most images needed, the slowest. */
    ALL;

    /** {@code head}, {@code last-stage} or {@code all}, as the API and the command line name them. */
    public static FineTuneMode parse(String name) {
        for (FineTuneMode mode : values()) {
            if (mode.wireName().equals(name.toLowerCase(Locale.ROOT))) {
                return mode;
            }
        }
        throw new IllegalArgumentException("mode must be head, last-stage or all, not '" + name + "'");
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
