package dev.resnetserve.preprocess;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;

/**
 * A decoded {@link BufferedImage} to 8-bit RGB with PIL's semantics: samples are taken as stored (no colour
 * management, so grey stays grey rather than being gamma-mapped by Java2D), 16-bit samples keep their high byte,
 * and alpha is dropped or composited as asked.
 */
final class RgbConverter {

    private RgbConverter() {}

    static RgbImage convert(BufferedImage image, AlphaMode alphaMode, int background) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] rgb = new byte[TurboJpeg.rgbBytes(w, h)];
        Blender blender = new Blender(alphaMode, background);
        if (isPlainComponentImage(image)) {
            copyRawSamples(image, rgb, blender);
        } else {
            copyViaRgb(image, rgb, blender);
        }
        return new RgbImage(w, h, rgb);
    }

    private static boolean isPlainComponentImage(BufferedImage image) {
        if (!(image.getColorModel() instanceof ComponentColorModel cm) || cm.isAlphaPremultiplied()) {
            return false;
        }
        int type = cm.getColorSpace().getType();
        int transfer = image.getRaster().getTransferType();
        int colourBands = cm.getNumColorComponents();
        return (type == ColorSpace.TYPE_GRAY && colourBands == 1 || type == ColorSpace.TYPE_RGB && colourBands == 3)
                && (transfer == DataBuffer.TYPE_BYTE || transfer == DataBuffer.TYPE_USHORT);
    }

    private static void copyRawSamples(BufferedImage image, byte[] rgb, Blender blender) {
        Raster raster = image.getRaster();
        ComponentColorModel cm = (ComponentColorModel) image.getColorModel();
        int w = image.getWidth();
        int bands = raster.getNumBands();
        boolean grey = cm.getNumColorComponents() == 1;
        boolean alpha = cm.hasAlpha();
        int shift = Math.max(0, cm.getComponentSize(0) - 8);
        int[] row = new int[w * bands];
        for (int y = 0; y < image.getHeight(); y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int p = x * bands;
                int r = row[p] >> shift;
                int g = grey ? r : row[p + 1] >> shift;
                int b = grey ? r : row[p + 2] >> shift;
                int a = alpha ? row[p + bands - 1] >> shift : 255;
                blender.write(rgb, (y * w + x) * 3, r, g, b, a);
            }
        }
    }

    private static void copyViaRgb(BufferedImage image, byte[] rgb, Blender blender) {
        int w = image.getWidth();
        int[] row = new int[w];
        for (int y = 0; y < image.getHeight(); y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                blender.write(rgb, (y * w + x) * 3, argb >> 16 & 0xFF, argb >> 8 & 0xFF, argb & 0xFF, argb >>> 24);
            }
        }
    }

    /** Writes one pixel, blending by alpha over the background exactly as Pillow's {@code alpha_composite}. */
    private record Blender(AlphaMode mode, int background) {

        void write(byte[] out, int offset, int r, int g, int b, int a) {
            if (mode == AlphaMode.COMPOSITE && a != 255) {
                r = blend(r, background >> 16 & 0xFF, a);
                g = blend(g, background >> 8 & 0xFF, a);
                b = blend(b, background & 0xFF, a);
            }
            out[offset] = (byte) r;
            out[offset + 1] = (byte) g;
            out[offset + 2] = (byte) b;
        }

        private static int blend(int colour, int backgroundColour, int alpha) {
            int v = ((colour * alpha + backgroundColour * (255 - alpha)) << 7) + (0x80 << 7);
            return (((v >> 8) + v) >> 8) >> 7;
        }
    }
}
