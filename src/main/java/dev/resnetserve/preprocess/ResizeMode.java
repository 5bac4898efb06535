package dev.resnetserve.preprocess;

/** How an image of any aspect ratio is fitted to the model's input size. */
public enum ResizeMode {
    /** Shorter side to {@code resize}, then the centre {@code width x height} (torchvision's evaluation transform). */
    CENTER_CROP,
    /** The whole image squeezed to {@code width x height}; aspect ratio not kept. */
    STRETCH,
    /** The whole image, aspect ratio kept, longer side to fit, the rest filled with the background colour. */
    PAD
}
