package dev.resnetserve.model.resnet;

import java.util.SplittableRandom;

/** A reproducible network input for the heat-map tests: standard normal values, as normalised pixels roughly are. */
final class GaussianInputs {

    private GaussianInputs() {}

    /** {@code 3 x side x side} values drawn from N(0, 1) by a generator seeded with {@code seed}. */
    static float[] of(long seed, int side) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] input = new float[3 * side * side];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        return input;
    }
}
