package dev.resnetserve.model;

import java.util.Arrays;
import java.util.OptionalInt;

/**
 * The input tensor's shape as the model file declares it, {@code [batch, channels, height, width]}; a dimension
 * the file leaves free (symbolic, as a dynamic batch axis) is -1. TorchScript files declare none: {@link #ANY}.
 */
public record InputSignature(long[] dims) {

    /** A model that takes whatever it is given. */
    public static final InputSignature ANY = new InputSignature(new long[] {-1, -1, -1, -1});

    public InputSignature {
        dims = dims.clone();
    }

    /** The batch size the model fixes, when its first dimension is fixed. */
    public OptionalInt fixedBatchSize() {
        return dims.length > 0 && dims[0] > 0 ? OptionalInt.of((int) dims[0]) : OptionalInt.empty();
    }

    /** Fails when a fixed dimension contradicts {@code [channels, height, width]} as preprocessing makes them. */
    public void check(String model, long[] chw) {
        if (dims.length != chw.length + 1) {
            throw new ModelLoadException("model '" + model + "' takes an input of shape " + Arrays.toString(dims)
                    + ", not [batch, channels, height, width]");
        }
        for (int i = 0; i < chw.length; i++) {
            if (dims[i + 1] > 0 && dims[i + 1] != chw[i]) {
                throw new ModelLoadException("model '" + model + "' takes inputs of shape " + Arrays.toString(dims)
                        + " but its preprocessing makes " + Arrays.toString(chw)
                        + ": set its preprocessing's width and height to the model's");
            }
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InputSignature o && Arrays.equals(dims, o.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
