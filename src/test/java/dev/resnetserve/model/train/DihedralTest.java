package dev.resnetserve.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DihedralTest {

    /** A 3x3 image whose pixels are numbered 0..8 in the red channel. */
    private static byte[] numbered() {
        byte[] rgb = new byte[27];
        for (int i = 0; i < 9; i++) {
            rgb[i * 3] = (byte) i;
        }
        return rgb;
    }

    @Test
    void theEightTransformsAreDistinctPermutations() {
        Set<List<Byte>> seen = new HashSet<>();
        for (int t = 0; t < Dihedral.COUNT; t++) {
            byte[] out = Dihedral.apply(numbered(), 3, t);
            List<Byte> red = new java.util.ArrayList<>();
            for (int i = 0; i < 9; i++) {
                red.add(out[i * 3]);
            }
            assertThat(new HashSet<>(red)).hasSize(9);
            seen.add(red);
        }
        assertThat(seen).hasSize(8);
    }

    @Test
    void halfTurnTwiceIsTheIdentity() {
        assertThat(Dihedral.apply(Dihedral.apply(numbered(), 3, 3), 3, 3)).isEqualTo(numbered());
    }
}
