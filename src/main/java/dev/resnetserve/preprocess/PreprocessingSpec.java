package dev.resnetserve.preprocess;

import java.util.Arrays;

/**
 * How a model wants its input tensor made from an RGB image.
 *
 * @param mode        how the image is fitted to {@code width x height}
 * @param resize      for {@link ResizeMode#CENTER_CROP}: the length the shorter side is resized to before cropping
 * @param width       width of the model input
 * @param height      height of the model input
 * @param mean        per-channel mean subtracted after scaling to [0, 1]
 * @param std         per-channel standard deviation divided by
 * @param alpha       what happens to transparency
 * @param background  RGB colour ({@code 0xRRGGBB}) used for alpha compositing and for padding
 */
public record PreprocessingSpec(
        ResizeMode mode,
        int resize,
        int width,
        int height,
        float[] mean,
        float[] std,
        AlphaMode alpha,
        int background) {

    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    public PreprocessingSpec {
        if (mode == null || alpha == null) {
            throw new IllegalArgumentException("mode and alpha are required");
        }
        if (width < 1 || height < 1 || width > 4096 || height > 4096) {
            throw new IllegalArgumentException("input size must be within 1..4096, got " + width + "x" + height);
        }
        if (mode == ResizeMode.CENTER_CROP && resize < Math.max(width, height)) {
            throw new IllegalArgumentException(
                    "resize (" + resize + ") must be at least the crop size " + width + "x" + height);
        }
        if (mean == null || std == null || mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need exactly 3 values (R, G, B)");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std values must be positive");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** The presets' names, as configuration and registration write them. */
    public static final String IMAGENET = "imagenet";

    public static final String WHOLE_IMAGE = "whole-image";
    /** A pattern matching the presets' names, for validation annotations. */
    public static final String PRESETS = IMAGENET + "|" + WHOLE_IMAGE;

    /** The preset called {@code name}: {@value #IMAGENET} or {@value #WHOLE_IMAGE} (224x224). */
    public static PreprocessingSpec preset(String name) {
        return switch (name) {
            case IMAGENET -> imagenet();
            case WHOLE_IMAGE -> wholeImage(224);
            default ->
                throw new IllegalArgumentException(
                        "presets are " + IMAGENET + " and " + WHOLE_IMAGE + ", not '" + name + "'");
        };
    }

    /** torchvision's ImageNet evaluation transform: Resize(256), CenterCrop(224), ToTensor, Normalize. */
    public static PreprocessingSpec imagenet() {
        return new PreprocessingSpec(
                ResizeMode.CENTER_CROP, 256, 224, 224, IMAGENET_MEAN, IMAGENET_STD, AlphaMode.DROP, 0xFFFFFF);
    }

    /** The whole image, aspect ratio kept, padded to a square of {@code size}: nothing near an edge is lost. */
    public static PreprocessingSpec wholeImage(int size) {
        return new PreprocessingSpec(
                ResizeMode.PAD, size, size, size, IMAGENET_MEAN, IMAGENET_STD, AlphaMode.COMPOSITE, 0xFFFFFF);
    }

    /**
     * This preprocessing for a model whose input's longer side is {@code side}: width, height and the resize length
     * scaled alike (the same share of the image reaches the model, at another resolution).
     */
    public PreprocessingSpec withInputSize(int side) {
        double scale = side / (double) Math.max(width, height);
        int w = Math.max(1, (int) Math.round(width * scale));
        int h = Math.max(1, (int) Math.round(height * scale));
        int r = Math.max((int) Math.round(resize * scale), mode == ResizeMode.CENTER_CROP ? Math.max(w, h) : 1);
        return new PreprocessingSpec(mode, r, w, h, mean, std, alpha, background);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreprocessingSpec p
                && mode == p.mode
                && resize == p.resize
                && width == p.width
                && height == p.height
                && Arrays.equals(mean, p.mean)
                && Arrays.equals(std, p.std)
                && alpha == p.alpha
                && background == p.background;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new int[] {
            mode.hashCode(),
            resize,
            width,
            height,
            Arrays.hashCode(mean),
            Arrays.hashCode(std),
            alpha.hashCode(),
            background
        });
    }

    @Override
    public String toString() {
        return "PreprocessingSpec[mode=" + mode + ", resize=" + resize + ", size=" + width + "x" + height
                + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ", alpha=" + alpha
                + String.format(", background=#%06X]", background);
    }
}
