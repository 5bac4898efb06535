package dev.resnetserve.model.train;

import java.util.Locale;

/**
 * The views of each training image that fine-tuning learns from (validation images are seen as they are).
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
    DIHEDRAL(Dihedral.COUNT);

    private final int views;

    Augmentation(int views) {
        this.views = views;
    }

    public int views() {
        return views;
    }

    public static Augmentation parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("augmentation must be none, mirror or dihedral, not '" + name + "'");
        }
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
