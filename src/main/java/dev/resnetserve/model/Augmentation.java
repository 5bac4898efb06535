package dev.resnetserve.model;

import java.util.Locale;

/**
 * Views of an image: those fine-tuning learns each training image from, and those a fine-tuned model may answer the
 * mean of ({@code test-views} in its {@link ModelDescriptor}; {@code model.resnet.ViewMean}).
 */
public enum Augmentation {
    /** The image only. */
    NONE(1),
    /** The image and its left-right mirror image: right for photographs, whose up is up. */
    MIRROR(2),
    /**
     * The eight quarter turns and mirror images: for images without an up (shapes, microscopy, satellite and
     * aerial pictures). Needs a square model input.
     */
    DIHEDRAL(8);

    private final int views;

    Augmentation(int views) {
        this.views = views;
    }

    public int views() {
        return views;
    }

    public static Augmentation parse(String name) {
        return parse("augmentation", name);
    }

    /** The augmentation {@code name}; an error naming {@code field} and the values for any other name. */
    public static Augmentation parse(String field, String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " must be none, mirror or dihedral, not '" + name + "'");
        }
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
