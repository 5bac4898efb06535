package dev.resnetserve.model;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Tells glibc's allocator to keep the native memory libtorch frees, so the next forward pass reuses it.
 *
 * <p>Every forward pass allocates its activations afresh (ResNet-18 at batch 8: up to 26 MB a layer) and frees them at the
 * end. By default glibc hands large blocks back to the kernel on free (its per-thread heaps are trimmed or
 * unmapped), so the next batch page-faults the same memory in again: 1,400 page faults per image and 6 % of the
 * service's CPU in the kernel at ResNet-18 saturation. With these settings the memory stays mapped: 4-12 % more
 * images per second (docs/operations.md, "Native memory"). The price is memory: the resident set stays at its
 * peak, and the peak is higher (ResNet-50, 2 workers, batch 8: 2.25 GB instead of 1.41 GB).
 */
public final class NativeMemory {

    // mallopt(3) parameter numbers, from malloc.h
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_TOP_PAD = -2;
    private static final int M_MMAP_THRESHOLD = -3;

    /** glibc's upper bound for {@code M_MMAP_THRESHOLD} on 64-bit: blocks up to it come from the heaps. */
    private static final int MMAP_THRESHOLD = 32 << 20;
    /** A heap gives memory back only when more than this is free at its top. */
    private static final int TRIM_THRESHOLD = Integer.MAX_VALUE;
    /** Heaps grow by this much more than asked, so growing them is rare. */
    private static final int TOP_PAD = 64 << 20;

    interface CLibrary extends Library {
        int mallopt(int param, int value);
    }

    private NativeMemory() {}

    /**
     * Applies the settings to this process; false where the C library has no {@code mallopt} or refuses a value,
     * in which case batches are slower but nothing else changes.
     */
    public static boolean retainFreedMemory() {
        try {
            CLibrary c = Native.load("c", CLibrary.class);
            // & rather than &&: one refused value must not keep the others from being set
            return c.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
                    & c.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
                    & c.mallopt(M_TOP_PAD, TOP_PAD) == 1;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return false;
        }
    }
}
