package dev.resnetserve.preprocess;

/** What becomes of an image's transparency when it is made RGB. */
public enum AlphaMode {
    /** Alpha ignored, colour kept as stored: PIL's {@code convert("RGB")}, hence torchvision's default loader. */
    DROP,
    /** Colour blended over the background colour by its alpha, as the image looks on that background. */
    COMPOSITE
}
