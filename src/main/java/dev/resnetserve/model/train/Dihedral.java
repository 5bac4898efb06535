package dev.resnetserve.model.train;

/** The eight rotations and mirror images of a square RGB image, as training augmentation. */
final class Dihedral {

    static final int COUNT = 8;

    private Dihedral() {}

    /** Transform {@code t} (0 = identity) of a {@code size x size} interleaved RGB image. */
    static byte[] apply(byte[] rgb, int size, int t) {
        if (t == 0) {
            return rgb;
        }
        byte[] out = new byte[rgb.length];
        int last = size - 1;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int sx;
                int sy;
                switch (t) {
                    case 1 -> {
                        sx = last - x;
                        sy = y;
                    }
                    case 2 -> {
                        sx = x;
                        sy = last - y;
                    }
                    case 3 -> {
                        sx = last - x;
                        sy = last - y;
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
