package dev.resnetserve.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.preprocess.AlphaMode;
import dev.resnetserve.preprocess.ImageDecoder;
import dev.resnetserve.preprocess.ImageLimits;
import dev.resnetserve.preprocess.RgbImage;
import java.awt.Color;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
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

    /**
     * The degradation experiment's data: two colours, far apart in brightness, and little else (the anti-aliased
     * edge); the shape large on its canvas; lossless; every class alike.
     */
    @Test
    void plainSamplesAreTwoColoursAndALargeShape() {
        ShapeGenerator generator = new ShapeGenerator(42, List.of("circle", "square", "triangle", "star", "ring"));
        int[] perClass = new int[5];
        for (int i = 0; i < 50; i++) {
            ShapeGenerator.Sample sample = generator.plainSample(i, 64);
            RgbImage image = decoder.decode(sample.encoded(), AlphaMode.DROP, 0xFFFFFF);
            Map<Integer, Integer> colours = new HashMap<>();
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    int rgb = image.sample(x, y, 0) << 16 | image.sample(x, y, 1) << 8 | image.sample(x, y, 2);
                    colours.merge(rgb, 1, Integer::sum);
                }
            }
            List<Map.Entry<Integer, Integer>> common = colours.entrySet().stream()
                    .sorted(Map.Entry.<Integer, Integer>comparingByValue().reversed())
                    .limit(2)
                    .toList();
            int two = common.get(0).getValue() + common.get(1).getValue();

            assertThat(sample.format()).isEqualTo("png");
            assertThat(two).as("sample %d: background and fill", i).isGreaterThan(64 * 64 * 80 / 100);
            assertThat(common.get(1).getValue())
                    .as("sample %d: the shape's pixels", i)
                    .isGreaterThan(64 * 64 / 50);
            assertThat(Math.abs(
                            luma(common.get(0).getKey()) - luma(common.get(1).getKey())))
                    .as("sample %d: brightness contrast", i)
                    .isGreaterThan(80);
            assertThat(Math.max(sample.box().getWidth(), sample.box().getHeight()))
                    .as("sample %d: at least half the canvas", i)
                    .isGreaterThanOrEqualTo(0.5 * 64 * 0.75);
            perClass[sample.label()]++;
        }
        assertThat(perClass).containsOnly(10);
    }

    private static double luma(int rgb) {
        return 0.299 * (rgb >> 16 & 0xFF) + 0.587 * (rgb >> 8 & 0xFF) + 0.114 * (rgb & 0xFF);
    }

    @Test
    void theShapeContrastsWithItsBackgroundInSomeChannel() {
        for (int index = 0; index < 16; index++) {
            ShapeGenerator.Sample sample = new ShapeGenerator(3).sample(index);
            RgbImage image = decoder.decode(sample.encoded(), AlphaMode.DROP, 0xFFFFFF);
            int widest = 0;
            for (int channel = 0; channel < 3; channel++) {
                int min = 255;
                int max = 0;
                for (int y = 0; y < image.height(); y += 2) {
                    for (int x = 0; x < image.width(); x += 2) {
                        min = Math.min(min, image.sample(x, y, channel));
                        max = Math.max(max, image.sample(x, y, channel));
                    }
                }
                widest = Math.max(widest, max - min);
            }
            assertThat(widest).as("sample %d", index).isGreaterThan(60);
        }
    }

    /** The colour pairs a brightness-only model cannot tell apart: close in luma, far apart in RGB. */
    @Test
    void hueContrastingFillsAreCloseInBrightnessAndFarInColour() {
        SplittableRandom random = new SplittableRandom(7);
        int hueContrasted = 0;
        for (int i = 0; i < 2000; i++) {
            Color background = new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256));
            Color fill = ShapeGenerator.hueContrastingColour(background, random);
            double lumaGap = Math.abs(luma(fill) - luma(background));
            double distance = Math.sqrt(Math.pow(fill.getRed() - background.getRed(), 2)
                    + Math.pow(fill.getGreen() - background.getGreen(), 2)
                    + Math.pow(fill.getBlue() - background.getBlue(), 2));
            if (lumaGap < 40) {
                assertThat(distance).isGreaterThan(150);
                hueContrasted++;
            } else {
                assertThat(lumaGap).as("fallback to brightness contrast").isGreaterThan(80);
            }
        }
        // a fallback only where no such colour exists near the background's brightness
        assertThat(hueContrasted).isGreaterThan(1800);
    }

    private static double luma(Color c) {
        return 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue();
    }
}
