package dev.resnetserve.model.resnet;

/**
 * What an explanation compares the image with: occlusion fills each hidden cell from it, integrated gradients start
 * their path at it. The reference is what the method counts as "nothing there", so it decides where a map can put
 * its mass: against the mean colour, every pixel that differs from grey (a red background) carries attribution and a
 * grey cell is itself a square drawn on the image; against the image blurred, a flat background is no different from
 * its reference and carries none, and what is left to explain is the detail the blur takes away (outlines, texture).
 * Measured on the demo model (docs/explain.md, "Does the map point at the object?"): the blur puts more of both maps'
 * mass on the shape.
 */
public enum ExplainReference {
    /**
     * The image's own area blurred, the padding around it left as it is (Gaussian, sigma = the input's longer side /
     * {@link #BLUR_DIVISOR}: 6 px at 192, 7 at 224):
     * occlusion blurs the hidden cell; integrated gradients' path runs from the blurred image to the image (the
     * blurred baseline of Sturmfels, Lundberg and Lee, "Visualizing the Impact of Feature Attribution Baselines",
     * Distill 2020).
     */
    BLUR,
    /** 0 after normalisation, the normalisation's mean colour: a neutral grey (the methods' original papers). */
    MEAN;

    /** The blur's sigma is the input's longer side over this. */
    public static final int BLUR_DIVISOR = 32;

    /**
     * The image's own part of the input, {@code [left, right) x [top, bottom)}: where an image is fitted into padding,
     * the rest is padding.
     */
    public record Area(int left, int top, int right, int bottom) {

        public Area {
            if (left < 0 || top < 0 || left >= right || top >= bottom) {
                throw new IllegalArgumentException(
                        "an area [" + left + ", " + right + ") x [" + top + ", " + bottom + ")");
            }
        }

        /** From {@code [left, top, right, bottom]}, as {@code Preprocessor.Placement#area} gives it. */
        public static Area of(int[] box) {
            return new Area(box[0], box[1], box[2], box[3]);
        }

        /** All of an input of {@code height x width}. */
        public static Area whole(int height, int width) {
            return new Area(0, 0, width, height);
        }
    }

    /** The reference for {@code input}, {@code [3, height, width]} flattened, all of it the image. */
    public float[] of(float[] input, int height, int width) {
        return of(input, height, width, Area.whole(height, width));
    }

    /**
     * The reference for {@code input}, {@code [3, height, width]} flattened, whose image lies in {@code image}: a new
     * array of its length. The blur blurs the image's area alone, as a picture of its own (its edges extended), and
     * leaves the padding as it is: blurred across, the edge between image and padding would be a detail of its own
     * that both methods would mark (measured: "Does the map point at the object?").
     */
    public float[] of(float[] input, int height, int width, Area image) {
        return switch (this) {
            case BLUR -> blurred(input, height, width, image, sigma(height, width));
            case MEAN -> new float[input.length];
        };
    }

    /** {@link #BLUR}'s reference with another {@code sigma} than the service's (the localisation experiment's). */
    public static float[] blurred(float[] input, int height, int width, Area image, double sigma) {
        return Blur.gaussian(
                input,
                height,
                width,
                sigma,
                image.left(),
                image.top(),
                Math.min(width, image.right()),
                Math.min(height, image.bottom()));
    }

    /** The blur's sigma in pixels for an input of {@code height x width}. */
    public static double sigma(int height, int width) {
        return Math.max(height, width) / (double) BLUR_DIVISOR;
    }
}
