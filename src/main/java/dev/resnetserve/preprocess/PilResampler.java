package dev.resnetserve.preprocess;

import java.util.Arrays;

/**
 * Bilinear resizing that reproduces Pillow's {@code Image.resize(size, BILINEAR)} to the byte, which is what
 * torchvision's {@code Resize} does to a PIL image: a separable convolution whose support widens with the
 * downscaling factor (antialiasing), horizontal pass first, both passes in 22-bit fixed point rounded back to
 * 8 bits (Pillow's {@code Resample.c}, 8 bits per channel path).
 *
 * <p>Only a window of the resized image is computed, so resize-then-crop costs no more than the crop.
 */
final class PilResampler {

    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PilResampler() {}

    /**
     * Resizes {@code image} to {@code outWidth x outHeight} and returns the window whose top-left corner is
     * ({@code left}, {@code top}), of size {@code width x height}, as interleaved RGB.
     */
    static byte[] resizeWindow(RgbImage image, int outWidth, int outHeight, int left, int top, int width, int height) {
        if (left < 0 || top < 0 || left + width > outWidth || top + height > outHeight) {
            throw new IllegalArgumentException("window outside the resized image");
        }
        Coefficients horizontal = Coefficients.of(image.width(), outWidth, left, width);
        Coefficients vertical = Coefficients.of(image.height(), outHeight, top, height);
        int firstRow = vertical.firstSource();
        int rows = vertical.lastSourceExclusive() - firstRow;
        byte[] temp = horizontalPass(image, horizontal, firstRow, rows);
        return verticalPass(temp, width, vertical, firstRow, height);
    }

    private static byte[] horizontalPass(RgbImage image, Coefficients k, int firstRow, int rows) {
        byte[] in = image.pixels();
        int inStride = image.width() * 3;
        int outWidth = k.count();
        int[] min = k.min;
        int[] size = k.size;
        int[] weights = k.weights;
        int kernelSize = k.kernelSize;
        byte[] out = new byte[outWidth * rows * 3];
        int o = 0;
        for (int row = 0; row < rows; row++) {
            int inRow = (firstRow + row) * inStride;
            for (int xx = 0; xx < outWidth; xx++) {
                int p = inRow + min[xx] * 3;
                int wi = xx * kernelSize;
                int end = wi + size[xx];
                int r = 1 << (PRECISION_BITS - 1);
                int g = r;
                int b = r;
                for (; wi < end; wi++, p += 3) {
                    int w = weights[wi];
                    r += (in[p] & 0xFF) * w;
                    g += (in[p + 1] & 0xFF) * w;
                    b += (in[p + 2] & 0xFF) * w;
                }
                out[o] = clip8(r);
                out[o + 1] = clip8(g);
                out[o + 2] = clip8(b);
                o += 3;
            }
        }
        return out;
    }

    private static byte[] verticalPass(byte[] in, int width, Coefficients k, int firstRow, int height) {
        int stride = width * 3;
        byte[] out = new byte[stride * height];
        int[] acc = new int[stride];
        for (int yy = 0; yy < height; yy++) {
            int ymin = k.min[yy] - firstRow;
            int base = yy * k.kernelSize;
            Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
            // row by row rather than pixel by pixel: sequential reads the JIT can vectorise
            for (int y = 0; y < k.size[yy]; y++) {
                int w = k.weights[base + y];
                int row = (ymin + y) * stride;
                for (int i = 0; i < stride; i++) {
                    acc[i] += (in[row + i] & 0xFF) * w;
                }
            }
            int o = yy * stride;
            for (int i = 0; i < stride; i++) {
                out[o + i] = clip8(acc[i]);
            }
        }
        return out;
    }

    private static byte clip8(int value) {
        int v = value >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    /** Pillow's {@code precompute_coeffs} and {@code normalize_coeffs_8bpc}, for output positions [first, first+count). */
    private record Coefficients(int kernelSize, int[] min, int[] size, int[] weights) {

        static Coefficients of(int inSize, int outSize, int first, int count) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filterScale; // the bilinear (triangle) filter has support 1
            int kernelSize = (int) Math.ceil(support) * 2 + 1;
            int[] min = new int[count];
            int[] size = new int[count];
            int[] weights = new int[count * kernelSize];
            double[] k = new double[kernelSize];
            for (int i = 0; i < count; i++) {
                int xx = first + i;
                double center = (xx + 0.5) * scale;
                double ss = 1.0 / filterScale;
                int xmin = Math.max((int) (center - support + 0.5), 0);
                int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
                double total = 0.0;
                for (int x = 0; x < xmax; x++) {
                    k[x] = triangle((x + xmin - center + 0.5) * ss);
                    total += k[x];
                }
                for (int x = 0; x < xmax; x++) {
                    double w = total != 0.0 ? k[x] / total : k[x];
                    weights[i * kernelSize + x] =
                            (int) (w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
                }
                min[i] = xmin;
                size[i] = xmax;
            }
            return new Coefficients(kernelSize, min, size, weights);
        }

        private static double triangle(double x) {
            double a = Math.abs(x);
            return a < 1.0 ? 1.0 - a : 0.0;
        }

        int firstSource() {
            int first = Integer.MAX_VALUE;
            for (int m : min) {
                first = Math.min(first, m);
            }
            return first;
        }

        int lastSourceExclusive() {
            int last = 0;
            for (int i = 0; i < min.length; i++) {
                last = Math.max(last, min[i] + size[i]);
            }
            return last;
        }

        int count() {
            return min.length;
        }
    }
}
