package dev.resnetserve.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.resnetserve.model.resnet.ClassMap;
import dev.resnetserve.model.resnet.ExplainReference;
import dev.resnetserve.preprocess.PreprocessingSpec;
import dev.resnetserve.preprocess.Preprocessor;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The localisation check of docs/explain.md, the issue's own: the bundled demo model, each method, each map scored by
 * the share of its mass in the shape's bounding box grown by 10 %, on the 100 images of set 2101 that the documented
 * measurement ({@code experiment localisation}) uses; the references compared on 20 of them. And the scoring itself
 * on maps whose answer is known.
 */
class LocalisationTest {

    /** The set of docs/explain.md's measurement, its size, and the size of the comparison of references. */
    private static final long SEED = 2101;

    private static final int IMAGES = 100;

    private static final int COMPARED = 20;

    @Test
    void onTheDemoModelEachMethodsMapsLieOnTheShape() throws Exception {
        LocalisationExperiment.Measured measured = LocalisationExperiment.measure(
                "classpath:models/demo", Optional.empty(), SEED, IMAGES, Localisation.METHODS);

        for (Localisation.Summary s : measured.summaries()) {
            System.out.printf(
                    Locale.ROOT,
                    "localisation %s: mean %.3f, >= 70 %%: %.0f %%, least %.3f, box %.3f%n",
                    s.method(),
                    s.meanShare(),
                    100 * s.atBar(),
                    s.minShare(),
                    s.meanBox());
        }
        assertThat(measured.scores()).hasSize(IMAGES * Localisation.METHODS.size());
        for (Localisation.Summary s : measured.summaries()) {
            assertThat(s.images()).isEqualTo(IMAGES);
            // at least twice what a map spread evenly over the input would score (measured: about three times)
            assertThat(s.meanShare()).as(s.method() + " against an even map").isGreaterThan(2 * s.meanBox());
        }
        // the bar, each method (measured on these 100: Grad-CAM 0.750, HiResCAM 0.758, integrated gradients
        // 0.767, occlusion 0.802; Grad-CAM 0.591 on the demo before, trained without the class-map penalty)
        for (String method : Localisation.METHODS) {
            assertThat(share(measured, method))
                    .as(method + ": the issue's 70 %")
                    .isGreaterThanOrEqualTo(Localisation.BAR);
        }

        // against the mean colour instead of the blurred image, both reference methods spread more of their maps off
        // the shape (docs/explain.md, on 100 images of the demo before: integrated gradients 0.386 against 0.764,
        // occlusion 0.600 against 0.792; on the first 20 with today's demo, 0.360 against 0.724 and 0.539 against
        // 0.762)
        List<String> referenced = List.of("integrated-gradients", "occlusion");
        Localisation.Grids mean = new Localisation.Grids(
                Localisation.Grids.DEFAULT.attribution(),
                Localisation.Grids.DEFAULT.occlusion(),
                0,
                ExplainReference.MEAN,
                0,
                Localisation.PATH_STEPS);
        LocalisationExperiment.Measured blurred =
                LocalisationExperiment.measure("classpath:models/demo", Optional.empty(), SEED, COMPARED, referenced);
        LocalisationExperiment.Measured grey = LocalisationExperiment.measure(
                "classpath:models/demo", Optional.empty(), SEED, COMPARED, referenced, mean);
        for (String method : referenced) {
            System.out.printf(
                    Locale.ROOT,
                    "localisation %s: blur %.3f, mean %.3f%n",
                    method,
                    share(blurred, method),
                    share(grey, method));
            assertThat(share(blurred, method))
                    .as(method + ": the blur against the mean colour")
                    .isGreaterThan(share(grey, method) + 0.05);
        }
    }

    private static double share(LocalisationExperiment.Measured measured, String method) {
        return measured.summaries().stream()
                .filter(s -> s.method().equals(method))
                .findFirst()
                .orElseThrow()
                .meanShare();
    }

    @Test
    void aMapIsScoredByTheShareOfItsMassInTheBox() {
        // a 4x4 map over a 128x128 input, cells of 32 px; the box covers cell (1, 1) and half of cell (1, 2)
        float[] oneCell = new float[16];
        oneCell[5] = 1f;
        float[] even = new float[16];
        java.util.Arrays.fill(even, 0.5f);
        float[] twoCells = new float[16];
        twoCells[5] = 1f;
        twoCells[6] = 1f;
        double[] box = {32, 32, 80, 64};

        assertThat(Localisation.share(map(oneCell), box, 128, 128)).isEqualTo(1.0, within(1e-9));
        assertThat(Localisation.share(map(twoCells), box, 128, 128)).isEqualTo(0.75, within(1e-9));
        assertThat(Localisation.share(map(even), box, 128, 128)).isEqualTo(48.0 * 32 / (128 * 128), within(1e-9));
        assertThat(Localisation.share(map(new float[16]), box, 128, 128)).isZero();
    }

    @Test
    void theBestMapOnAGridIsCappedByTheCellMostInsideTheBox() {
        // 4x4 cells of 32 px over 128x128
        assertThat(Localisation.ceiling(4, 4, new double[] {32, 32, 80, 64}, 128, 128))
                .as("a box holding a whole cell")
                .isEqualTo(1.0, within(1e-9));
        assertThat(Localisation.ceiling(4, 4, new double[] {40, 40, 56, 56}, 128, 128))
                .as("a 16 px box inside one cell: a quarter of it")
                .isEqualTo(0.25, within(1e-9));
        assertThat(Localisation.ceiling(4, 4, new double[] {24, 40, 40, 56}, 128, 128))
                .as("a 16 px box across two cells: half in each, an eighth of a cell")
                .isEqualTo(0.125, within(1e-9));
        assertThat(Localisation.ceiling(16, 16, new double[] {40, 40, 56, 56}, 128, 128))
                .as("the same box on a grid of 8 px: whole cells inside")
                .isEqualTo(1.0, within(1e-9));
    }

    @Test
    void theExperimentsSettingsAreBounded() {
        for (double sigma : new double[] {Double.NaN, -1, 129}) {
            assertThatThrownBy(() -> new Localisation.Grids(16, 12, 0, ExplainReference.BLUR, sigma, 16))
                    .as("sigma " + sigma)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new Localisation.Grids(16, 12, 0, ExplainReference.MEAN, 6, 16))
                .as("a sigma for the grey reference")
                .hasMessageContaining("blur reference");
        assertThatThrownBy(() -> new Localisation.Grids(16, 12, 0, ExplainReference.BLUR, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theBoxGrowsByATenthAndFollowsThePadding() {
        // a 256x128 image padded into 128x128: scaled by a half, 32 rows of padding above
        PreprocessingSpec pad = PreprocessingSpec.wholeImage(128);
        double[] box = Preprocessor.placement(256, 128, pad).box(100, 20, 200, 100);

        assertThat(box).containsExactly(new double[] {50, 42, 100, 82}, within(1e-9));
        assertThat(Preprocessor.placement(256, 128, pad).area(128, 128))
                .as("the image's own area, the rest padding")
                .containsExactly(0, 32, 128, 96);
        assertThat(Preprocessor.placement(300, 200, PreprocessingSpec.imagenet())
                        .area(224, 224))
                .as("a cropped image covers the input")
                .containsExactly(0, 0, 224, 224);
        assertThat(Localisation.grown(box, 128, 128)).containsExactly(new double[] {47.5, 40, 102.5, 84}, within(1e-9));
        assertThat(Localisation.grown(new double[] {0, 0, 128, 100}, 128, 128))
                .containsExactly(new double[] {0, 0, 128, 105}, within(1e-9));
    }

    @Test
    void aRotatedCirclesBoxIsTheCirclesNotItsControlPoints() {
        java.awt.Shape circle = java.awt.geom.AffineTransform.getRotateInstance(Math.PI / 4, 50, 50)
                .createTransformedShape(new java.awt.geom.Ellipse2D.Double(40, 40, 20, 20));

        java.awt.geom.Rectangle2D box = ShapeGenerator.tightBounds(circle);

        assertThat(circle.getBounds2D().getWidth()).isGreaterThan(21); // Java 17's bounds of the control points
        assertThat(box.getMinX()).isEqualTo(40, within(0.02));
        assertThat(box.getMaxX()).isEqualTo(60, within(0.02));
        assertThat(box.getMinY()).isEqualTo(40, within(0.02));
        assertThat(box.getMaxY()).isEqualTo(60, within(0.02));
    }

    private static ClassMap map(float[] values) {
        return new ClassMap(0, new float[] {1f}, 4, 4, values);
    }
}
