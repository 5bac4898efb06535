package dev.resnetserve.model.resnet;

/**
 * A Gaussian blur of an image tensor, {@code [channels, H, W]} flattened, each channel on its own: a separable kernel
 * of radius {@code 3 sigma}, the edges extended (the nearest pixel repeated). The blur is linear, so blurring a
 * normalised input equals normalising the blurred image. What explanations hide a part of the image with, or start
 * their path from, instead of a grey that is itself a shape on the image.
 */
public final class Blur {

    /**
     * The largest blur asked for, in pixels: a kernel of at most 6 x 128 + 1 taps. The service's is the input's side /
     * 32 ({@link ExplainReference}), 128 at the largest input a model may take (4096 px a side); there the blur's
     * work, side^2 x 3 x 769 x 2 multiply-adds (77 G), is about 6 % of one ResNet-50 pass at that size (1.4 TFLOPs).
     */
    public static final double MAX_SIGMA = 128;

    private Blur() {}

    /** {@code image} blurred with {@code sigma} pixels; a sigma of 0 gives a copy. */
    public static float[] gaussian(float[] image, int height, int width, double sigma) {
        if (sigma < 0 || sigma > MAX_SIGMA || Double.isNaN(sigma)) {
            throw new IllegalArgumentException("sigma 0.." + MAX_SIGMA + ", got " + sigma);
        }
        int plane = height * width;
        if (image.length % plane != 0) {
            throw new IllegalArgumentException(
                    "an image of " + image.length + " values is not [C, " + height + ", " + width + "]");
        }
        if (sigma == 0) {
            return image.clone();
        }
        float[] kernel = kernel(sigma);
        int radius = kernel.length / 2;
        float[] rows = new float[image.length];
        float[] out = new float[image.length];
        for (int c = 0; c < image.length / plane; c++) {
            int base = c * plane;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    float sum = 0;
                    for (int k = -radius; k <= radius; k++) {
                        int xx = Math.min(width - 1, Math.max(0, x + k));
                        sum += kernel[k + radius] * image[base + y * width + xx];
                    }
                    rows[base + y * width + x] = sum;
                }
            }
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    float sum = 0;
                    for (int k = -radius; k <= radius; k++) {
                        int yy = Math.min(height - 1, Math.max(0, y + k));
                        sum += kernel[k + radius] * rows[base + yy * width + x];
                    }
                    out[base + y * width + x] = sum;
                }
            }
        }
        return out;
    }

    /**
     * {@code image} with only the rectangle {@code [left, right) x [top, bottom)} blurred, as if it were the whole
     * image (its own edges extended); the rest copied unchanged. For an image fitted into padding: the padding is no
     * part of the image, and blurring across its edge would make the edge itself a detail.
     */
    public static float[] gaussian(
            float[] image, int height, int width, double sigma, int left, int top, int right, int bottom) {
        if (left < 0 || top < 0 || right > width || bottom > height || left >= right || top >= bottom) {
            throw new IllegalArgumentException("an area [" + left + ", " + right + ") x [" + top + ", " + bottom
                    + ") outside " + width + "x" + height);
        }
        if (image.length % (height * width) != 0) {
            throw new IllegalArgumentException(
                    "an image of " + image.length + " values is not [C, " + height + ", " + width + "]");
        }
        int channels = image.length / (height * width);
        int h = bottom - top;
        int w = right - left;
        float[] area = new float[channels * h * w];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(image, c * height * width + (top + y) * width + left, area, c * h * w + y * w, w);
            }
        }
        float[] blurred = gaussian(area, h, w, sigma);
        float[] out = image.clone();
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(blurred, c * h * w + y * w, out, c * height * width + (top + y) * width + left, w);
            }
        }
        return out;
    }

    /** The normalised Gaussian of {@code sigma}, {@code 2 ceil(3 sigma) + 1} taps. */
    static float[] kernel(double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        float[] kernel = new float[2 * radius + 1];
        double sum = 0;
        for (int k = -radius; k <= radius; k++) {
            sum += Math.exp(-k * k / (2 * sigma * sigma));
        }
        for (int k = -radius; k <= radius; k++) {
            kernel[k + radius] = (float) (Math.exp(-k * k / (2 * sigma * sigma)) / sum);
        }
        return kernel;
    }
}
