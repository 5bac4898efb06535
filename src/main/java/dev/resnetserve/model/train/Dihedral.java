package dev.resnetserve.model.train;

import dev.resnetserve.model.Augmentation;

/** The eight rotations and mirror images of a square RGB image, as training augmentation. */
final class Dihedral {

    static final int COUNT = Augmentation.DIHEDRAL.views();

    private Dihedral() {}

    /** Transform {@code t} (0 = identity) of a {@code size x size} interleaved RGB image. */
    static byte[] apply(byte[] rgb, int size, int t) {
        return apply(rgb, size, size, t);
    }

    /**
     * Transform {@code t} of a {@code width x height} image: 0-3 (identity, left-right mirror, top-bottom mirror,
     * half turn) keep any shape; 4-7 (the quarter turns and diagonal mirrors) need a square.
     */
    static byte[] apply(byte[] rgb, int width, int height, int t) {
        if (t == 0) {
            return rgb;
        }
        if (t >= 4 && width != height) {
            throw new IllegalArgumentException("transform " + t + " needs a square image, not " + width + "x" + height);
        }
        int size = width;
        byte[] out = new byte[rgb.length];
        int last = size - 1;
        int lastRow = height - 1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int sx;
                int sy;
                switch (t) {
                    case 1 -> {
                        sx = last - x;
                        sy = y;
                    }
                    case 2 -> {
                        sx = x;
                        sy = lastRow - y;
                    }
                    case 3 -> {
                        sx = last - x;
                        sy = lastRow - y;
                    }
                    case 4 -> {
                        sx = y;
                        sy = x;
                    }
                    case 5 -> {
                        sx = y;
                        sy = last - x;
                    }
                    case 6 -> {
                        sx = last - y;
                        sy = x;
                    }
                    default -> {
                        sx = last - y;
                        sy = last - x;
                    }
                }
                System.arraycopy(rgb, (sy * size + sx) * 3, out, (y * size + x) * 3, 3);
            }
        }
        return out;
    }
}
