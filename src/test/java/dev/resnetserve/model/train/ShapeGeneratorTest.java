package dev.resnetserve.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.preprocess.AlphaMode;
import dev.resnetserve.preprocess.ImageDecoder;
import dev.resnetserve.preprocess.ImageLimits;
import dev.resnetserve.preprocess.RgbImage;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ShapeGeneratorTest {

    private final ImageDecoder decoder = new ImageDecoder(new ImageLimits(2_000_000, 2_048));

    @Test
    void aSampleIsAPureFunctionOfSeedAndIndex() {
        assertThat(new ShapeGenerator(5).sample(17).encoded())
                .isEqualTo(new ShapeGenerator(5).sample(17).encoded());
        assertThat(new ShapeGenerator(5).sample(17).encoded())
                .isNotEqualTo(new ShapeGenerator(6).sample(17).encoded());
    }

    /**
     * The training (42), validation (43), held-out (44) and warm-up (45) sets of the default recipe share no random
     * stream: no 64-bit draw among the first draws of any image of any of them appears in two images' streams, so no
     * stream is another shifted by a few draws.
     */
    @Test
    void everySetAndIndexHasItsOwnRandomStream() {
        int draws = 16;
        Map<Long, String> seen = new HashMap<>();
        for (long seed = 42; seed <= 45; seed++) {
            for (long index = 0; index < 4_000; index++) {
                SplittableRandom random = ShapeGenerator.stream(seed, index);
                for (int d = 0; d < draws; d++) {
                    String where = "(" + seed + ", " + index + ") draw " + d;
                    String before = seen.put(random.nextLong(), where);
                    assertThat(before).as("%s repeats %s", where, before).isNull();
                }
            }
        }
    }

    @Test
    void theHeldOutSetNoLongerReplaysTheTrainingSet() {
        for (long index = 0; index < 1_000; index++) {
            // the old relation: stream (44, i) was stream (42, i) two draws later, (43, i) one, (45, i) none
            for (long[] pair : new long[][] {{44, 2}, {43, 1}, {45, 0}}) {
                SplittableRandom train = ShapeGenerator.stream(42, index);
                for (int skip = 0; skip < pair[1]; skip++) {
                    train.nextLong();
                }
                assertThat(ShapeGenerator.stream(pair[0], index).nextLong()).isNotEqualTo(train.nextLong());
            }
        }
        // and the check would have caught it: the former seeding has the relation
        SplittableRandom train = new SplittableRandom(42 * 0x9E3779B97F4A7C15L + 7);
        train.nextLong();
        train.nextLong();
        assertThat(new SplittableRandom(44 * 0x9E3779B97F4A7C15L + 7).nextLong())
                .isEqualTo(train.nextLong());
    }

    @Test
    void samplesStayWithinTheSpecifiedSizesAspectsAndFormats() {
        ShapeGenerator generator = new ShapeGenerator(11);
        Set<String> formats = new HashSet<>();
        int[] perClass = new int[ShapeGenerator.CLASSES.size()];
        for (int i = 0; i < 160; i++) {
            ShapeGenerator.Sample sample = generator.sample(i);
            RgbImage decoded = decoder.decode(sample.encoded(), AlphaMode.DROP, 0xFFFFFF);
            int shorter = Math.min(decoded.width(), decoded.height());
            int longer = Math.max(decoded.width(), decoded.height());

            assertThat(decoded.width()).isEqualTo(sample.width());
            assertThat(shorter).isGreaterThanOrEqualTo(96);
            assertThat(longer).isLessThanOrEqualTo(1024);
            assertThat((double) longer / shorter).isLessThanOrEqualTo(4.0 + 1e-9 + 1.0 / shorter * 4);
            formats.add(sample.format());
            perClass[sample.label()]++;
        }
        assertThat(formats).containsExactlyInAnyOrder("jpg", "png");
        assertThat(perClass).containsOnly(20);
    }

    @Test
    void theShapeContrastsWithItsBackground() {
        ShapeGenerator.Sample sample = new ShapeGenerator(3).sample(0);
        RgbImage image = decoder.decode(sample.encoded(), AlphaMode.DROP, 0xFFFFFF);
        int min = 255;
        int max = 0;
        for (int y = 0; y < image.height(); y += 4) {
            for (int x = 0; x < image.width(); x += 4) {
                int luma = (image.sample(x, y, 0) * 299 + image.sample(x, y, 1) * 587 + image.sample(x, y, 2) * 114)
                        / 1000;
                min = Math.min(min, luma);
                max = Math.max(max, luma);
            }
        }
        assertThat(max - min).isGreaterThan(60);
    }
}
