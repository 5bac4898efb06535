package dev.resnetserve.serving;

import dev.resnetserve.preprocess.PreprocessingSpec;
import java.awt.AWTError;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Draws an {@link Explanation}: the preprocessed input as the model saw it (normalisation undone), the heat map
 * stretched bilinearly over it in a blue-to-red colour scale, blended from {@link #MIN_ALPHA} where the map is cold
 * to {@link #MAX_ALPHA} where it is hot, so that the image stays visible everywhere; below it, a legend of
 * {@link #legendHeight} rows names the method, the class and its probability beside the colour scale, so that a
 * saved picture says what it shows. The picture is the input's width and its height plus the legend's.
 */
final class HeatMapImage {

    private static final Logger log = LoggerFactory.getLogger(HeatMapImage.class);

    static final double MIN_ALPHA = 0.25;
    static final double MAX_ALPHA = 0.6;

    private HeatMapImage() {}

    static byte[] overlayPng(Explanation e) {
        PreprocessingSpec p = e.preprocessing();
        int w = p.width();
        int h = p.height();
        float[] x = e.input();
        BufferedImage image = new BufferedImage(w, h + legendHeight(w), BufferedImage.TYPE_INT_RGB);
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
        drawLegend(image, h, e);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return out.toByteArray();
    }

    /** The legend's font size for a picture {@code width} wide: 10 px up to 175 px wide (the demo), 14 at 224. */
    static int fontSize(int width) {
        return Math.max(10, Math.min(24, width / 16));
    }

    /** Rows below the image for the legend: two lines of text. */
    static int legendHeight(int width) {
        return 2 * fontSize(width) + fontSize(width) / 2 + 4;
    }

    /** The legend's second line: the class and the probability the model gave it. */
    static String targetLine(Explanation.Target target) {
        double percent = 100 * target.probability();
        String p = percent >= 0.1 || percent == 0
                ? String.format(Locale.ROOT, "%.1f %%", percent)
                : String.format(Locale.ROOT, "%.1e %%", percent);
        return target.label() + " " + p;
    }

    /**
     * White rows from {@code top} down: the method and a blue-to-red scale on the first line, the class and its
     * probability on the second, cut with an ellipsis where too long. Without fonts (a JRE image lacking them), the
     * rows stay blank rather than the answer failing.
     */
    private static void drawLegend(BufferedImage image, int top, Explanation e) {
        int w = image.getWidth();
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, top, w, image.getHeight() - top);
            int size = fontSize(w);
            int pad = Math.max(2, size / 4);
            int scaleWidth = Math.min(w / 4, 4 * size);
            int scaleLeft = w - pad - scaleWidth;
            g.setPaint(new GradientPaint(scaleLeft, 0, Color.BLUE, scaleLeft + scaleWidth, 0, Color.RED));
            g.fillRect(scaleLeft, top + pad + size / 4, scaleWidth, size / 2 + 1);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, size));
            g.setColor(new Color(20, 20, 20));
            FontMetrics metrics = g.getFontMetrics();
            int baseline = top + pad + metrics.getAscent();
            g.drawString(fitted(e.method().label(), metrics, scaleLeft - 2 * pad), pad, baseline);
            g.drawString(fitted(targetLine(e.target()), metrics, w - 2 * pad), pad, baseline + size + pad / 2);
        } catch (AWTError | LinkageError | InternalError noFonts) {
            log.warn("cannot draw the explanation's legend (no fonts?): {}", noFonts.toString());
        } finally {
            g.dispose();
        }
    }

    /** {@code text}, cut to fit {@code width} pixels with an ellipsis. */
    private static String fitted(String text, FontMetrics metrics, int width) {
        if (metrics.stringWidth(text) <= width) {
            return text;
        }
        String cut = text;
        while (!cut.isEmpty() && metrics.stringWidth(cut + "\u2026") > width) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "\u2026";
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
