package dev.resnetserve.serving;

import dev.resnetserve.preprocess.PreprocessingSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Draws an {@link Explanation}: the preprocessed input as the model saw it (normalisation undone), the heat map
 * stretched bilinearly over it in a blue-to-red colour scale, blended from {@link #MIN_ALPHA} where the map is cold
 * to {@link #MAX_ALPHA} where it is hot, so that the image stays visible everywhere.
 */
final class HeatMapImage {

    static final double MIN_ALPHA = 0.25;
    static final double MAX_ALPHA = 0.6;

    private HeatMapImage() {}

    static byte[] overlayPng(Explanation e) {
        PreprocessingSpec p = e.preprocessing();
        int w = p.width();
        int h = p.height();
        float[] x = e.input();
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int plane = w * h;
        for (int row = 0; row < h; row++) {
            for (int col = 0; col < w; col++) {
                int i = row * w + col;
                double heat = sample(e.heatmap(), (col + 0.5) / w, (row + 0.5) / h);
                int[] colour = colour(heat);
                double alpha = MIN_ALPHA + (MAX_ALPHA - MIN_ALPHA) * heat;
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    double pixel = (x[c * plane + i] * p.std()[c] + p.mean()[c]) * 255;
                    double blended = (1 - alpha) * pixel + alpha * colour[c];
                    rgb = rgb << 8 | (int) Math.max(0, Math.min(255, Math.round(blended)));
                }
                image.setRGB(col, row, rgb);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return out.toByteArray();
    }

    /** The map at {@code (u, v)} in 0..1 of the image's width and height, bilinear between cell centres. */
    static double sample(double[][] map, double u, double v) {
        int rows = map.length;
        int cols = map[0].length;
        double fy = Math.max(0, Math.min(rows - 1, v * rows - 0.5));
        double fx = Math.max(0, Math.min(cols - 1, u * cols - 0.5));
        int y0 = (int) fy;
        int x0 = (int) fx;
        int y1 = Math.min(rows - 1, y0 + 1);
        int x1 = Math.min(cols - 1, x0 + 1);
        double dy = fy - y0;
        double dx = fx - x0;
        double top = map[y0][x0] * (1 - dx) + map[y0][x1] * dx;
        double bottom = map[y1][x0] * (1 - dx) + map[y1][x1] * dx;
        return top * (1 - dy) + bottom * dy;
    }

    /** Blue (0) through green (0.5) to red (1). */
    private static int[] colour(double t) {
        double r = Math.max(0, Math.min(1, 2 * t - 0.5));
        double g = 1 - Math.abs(2 * t - 1);
        double b = Math.max(0, Math.min(1, 1 - 2 * t));
        return new int[] {(int) (255 * r), (int) (255 * g), (int) (255 * b)};
    }
}
