package dev.resnetserve.preprocess;

/**
 * Turns an RGB image into the model's input tensor, CHW float32, as torchvision's transforms would:
 * resize (Pillow bilinear), crop or pad, {@code ToTensor} (divide by 255), {@code Normalize(mean, std)}.
 * Stateless and thread-safe.
 */
public final class Preprocessor {

    /** Returns the {@code 3 x height x width} tensor for {@code image}, channel-major. */
    public float[] toTensor(RgbImage image, PreprocessingSpec spec) {
        byte[] rgb = fit(image, spec);
        return normalise(rgb, spec);
    }

    /** The 8-bit RGB image the model sees, {@code width x height}, before normalisation. */
    public byte[] fit(RgbImage image, PreprocessingSpec spec) {
        return switch (spec.mode()) {
            case CENTER_CROP -> centerCrop(image, spec);
            case STRETCH ->
                PilResampler.resizeWindow(image, spec.width(), spec.height(), 0, 0, spec.width(), spec.height());
            case PAD -> pad(image, spec);
        };
    }

    /**
     * Where an image of {@code width x height} lands in the model's input: resized to {@code resizedWidth x
     * resizedHeight}, its top left corner at ({@code left}, {@code top}) of the input (negative when cropped).
     * An image pixel at (x, y) is at (left + x * resizedWidth / width, top + y * resizedHeight / height).
     */
    public record Placement(int width, int height, int resizedWidth, int resizedHeight, int left, int top) {

        /**
         * The image's own pixels in an input of {@code inputWidth x inputHeight}, {@code [left, top, right, bottom]}
         * (right and bottom exclusive): the rest is padding; a cropped image covers the whole input.
         */
        public int[] area(int inputWidth, int inputHeight) {
            return new int[] {
                Math.max(0, left),
                Math.max(0, top),
                Math.min(inputWidth, left + resizedWidth),
                Math.min(inputHeight, top + resizedHeight)
            };
        }

        /** {@code [x0, y0, x1, y1]} of the image in the input's pixels. */
        public double[] box(double x0, double y0, double x1, double y1) {
            double sx = (double) resizedWidth / width;
            double sy = (double) resizedHeight / height;
            return new double[] {left + x0 * sx, top + y0 * sy, left + x1 * sx, top + y1 * sy};
        }
    }

    /** How {@link #fit} places an image of {@code width x height} in the input {@code spec} describes. */
    public static Placement placement(int width, int height, PreprocessingSpec spec) {
        return switch (spec.mode()) {
            case CENTER_CROP -> {
                // torchvision's _compute_resized_output_size: the longer side is truncated, not rounded
                int outW = width <= height ? spec.resize() : (int) ((double) spec.resize() * width / height);
                int outH = width <= height ? (int) ((double) spec.resize() * height / width) : spec.resize();
                // torchvision's center_crop rounds half to even (Python's round)
                int top = (int) Math.rint((outH - spec.height()) / 2.0);
                int left = (int) Math.rint((outW - spec.width()) / 2.0);
                yield new Placement(width, height, outW, outH, -left, -top);
            }
            case STRETCH -> new Placement(width, height, spec.width(), spec.height(), 0, 0);
            case PAD -> {
                double scale = Math.min((double) spec.width() / width, (double) spec.height() / height);
                int innerW = Math.max(1, Math.min(spec.width(), (int) Math.round(width * scale)));
                int innerH = Math.max(1, Math.min(spec.height(), (int) Math.round(height * scale)));
                yield new Placement(
                        width, height, innerW, innerH, (spec.width() - innerW) / 2, (spec.height() - innerH) / 2);
            }
        };
    }

    private static byte[] centerCrop(RgbImage image, PreprocessingSpec spec) {
        Placement at = placement(image.width(), image.height(), spec);
        return PilResampler.resizeWindow(
                image, at.resizedWidth(), at.resizedHeight(), -at.left(), -at.top(), spec.width(), spec.height());
    }

    private static byte[] pad(RgbImage image, PreprocessingSpec spec) {
        Placement at = placement(image.width(), image.height(), spec);
        int innerW = at.resizedWidth();
        int innerH = at.resizedHeight();
        byte[] inner = PilResampler.resizeWindow(image, innerW, innerH, 0, 0, innerW, innerH);
        byte[] out = new byte[spec.width() * spec.height() * 3];
        byte[] fill = {(byte) (spec.background() >> 16), (byte) (spec.background() >> 8), (byte) spec.background()};
        for (int i = 0; i < out.length; i += 3) {
            out[i] = fill[0];
            out[i + 1] = fill[1];
            out[i + 2] = fill[2];
        }
        int left = at.left();
        int top = at.top();
        for (int y = 0; y < innerH; y++) {
            System.arraycopy(inner, y * innerW * 3, out, ((top + y) * spec.width() + left) * 3, innerW * 3);
        }
        return out;
    }

    /** {@code ToTensor} and {@code Normalize} of an image already fitted to the spec's size. */
    public float[] normalise(byte[] rgb, PreprocessingSpec spec) {
        float[][] lookup = new float[3][256];
        float[] mean = spec.mean();
        float[] std = spec.std();
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                lookup[c][v] = (v / 255f - mean[c]) / std[c]; // float32, in torchvision's order of operations
            }
        }
        int plane = spec.width() * spec.height();
        float[] chw = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            chw[i] = lookup[0][rgb[i * 3] & 0xFF];
            chw[plane + i] = lookup[1][rgb[i * 3 + 1] & 0xFF];
            chw[2 * plane + i] = lookup[2][rgb[i * 3 + 2] & 0xFF];
        }
        return chw;
    }
}
