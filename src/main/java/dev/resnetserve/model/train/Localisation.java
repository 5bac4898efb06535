package dev.resnetserve.model.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.repository.zoo.ZooModel;
import dev.resnetserve.model.Labels;
import dev.resnetserve.model.resnet.Blur;
import dev.resnetserve.model.resnet.ClassMap;
import dev.resnetserve.model.resnet.ExplainReference;
import dev.resnetserve.model.resnet.GradCam;
import dev.resnetserve.model.resnet.HeatMaps;
import dev.resnetserve.model.resnet.Occlusion;
import dev.resnetserve.preprocess.ImageDecoder;
import dev.resnetserve.preprocess.PreprocessingSpec;
import dev.resnetserve.preprocess.Preprocessor;
import dev.resnetserve.preprocess.RgbImage;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Does a heat map point at the object? On generated shape images, whose shape's bounding box {@link ShapeGenerator}
 * knows, the share of a map's mass that falls inside the box grown by {@link #GROWTH} (its width and height each
 * 10 % larger, about its centre), per image and per method. The maps are made by the code the service's workers run
 * ({@link HeatMaps}, {@link Occlusion}) with the service's default settings; the images are decoded and
 * preprocessed by the service's own code. {@code experiment localisation} runs it on 100 images, {@code
 * LocalisationTest} on 20.
 */
public final class Localisation {

    /** The methods, by the names a request gives them. */
    public static final List<String> METHODS = List.of("grad-cam", "hires-cam", "integrated-gradients", "occlusion");

    /** How much the box is grown: 10 % of its width and of its height. */
    public static final double GROWTH = 0.10;

    /** The bar: a map "points at the object" when this share of its mass is inside the grown box. */
    public static final double BAR = 0.70;

    /** The service's defaults: {@code resnet.explain.occlusion-grid} and {@code integrated-gradients-steps}. */
    public static final int OCCLUSION_GRID = 12;

    public static final int PATH_STEPS = 16;

    /**
     * The maps' settings: cells a side of an integrated-gradients map and of an occlusion grid, the stage Grad-CAM
     * weights (0: the last residual stage; 1: the one before, at twice the resolution), the reference occlusion and
     * integrated gradients compare with and, for the blur, a sigma in pixels instead of the service's (0: the
     * service's), and integrated gradients' path points. {@link #DEFAULT} is the service's; the experiment can try
     * others.
     */
    public record Grids(
            int attribution,
            int occlusion,
            int gradCamStagesBack,
            ExplainReference reference,
            double blurSigma,
            int steps) {
        public static final Grids DEFAULT =
                new Grids(HeatMaps.ATTRIBUTION_GRID, OCCLUSION_GRID, 0, ExplainReference.BLUR, 0, PATH_STEPS);

        public Grids {
            if (attribution < 1 || attribution > 128 || occlusion < 1 || occlusion > 64) {
                throw new IllegalArgumentException(
                        "grids: attribution 1..128, occlusion 1..64; got " + attribution + ", " + occlusion);
            }
            if (gradCamStagesBack < 0 || gradCamStagesBack > 3) {
                throw new IllegalArgumentException("Grad-CAM stages back: 0..3; got " + gradCamStagesBack);
            }
            if (!(blurSigma >= 0 && blurSigma <= Blur.MAX_SIGMA) || steps < 1 || steps > 256) {
                throw new IllegalArgumentException(
                        "blur sigma 0.." + Blur.MAX_SIGMA + ", steps 1..256; got " + blurSigma + ", " + steps);
            }
            if (reference == ExplainReference.MEAN && blurSigma > 0) {
                throw new IllegalArgumentException("a blur sigma is for the blur reference, not " + reference);
            }
        }

        /** The reference for {@code input}: the service's, or the image blurred by {@link #blurSigma} when set. */
        float[] reference(Case image, PreprocessingSpec spec) {
            return blurSigma > 0
                    ? ExplainReference.blurred(image.input(), spec.height(), spec.width(), image.area(), blurSigma)
                    : reference.of(image.input(), spec.height(), spec.width(), image.area());
        }
    }

    /** Forward passes of an occlusion run at once, as the service's default {@code batch.max-size}. */
    static final int OCCLUSION_BATCH = 8;

    private Localisation() {}

    /**
     * One generated image as the model sees it.
     *
     * @param index the image's index in its set
     * @param shape the shape drawn
     * @param input the preprocessed input, {@code [3, H, W]} flattened
     * @param box   the shape's bounding box in the input's pixels, {@code [x0, y0, x1, y1]}, grown by {@link #GROWTH}
     *              and cut to the input
     * @param boxShare the grown box's share of the input's area: what a map spread evenly would score
     * @param area  the image's own area in the input, as the service finds it ({@code Preprocessor.Placement#area}):
     *              the rest is padding
     */
    public record Case(
            int index, String shape, float[] input, double[] box, double boxShare, ExplainReference.Area area) {

        /** The image's own area, {@code [x0, y0, x1, y1]}, as {@link #share} takes a box. */
        public double[] image() {
            return new double[] {area.left(), area.top(), area.right(), area.bottom()};
        }
    }

    /**
     * One map's score, with the map.
     *
     * @param share the map's mass inside the grown box
     * @param onImage the map's mass on the image's own area (the rest lies on padding)
     * @param ceiling the most any map on the same grid could score for this box ({@link #ceiling})
     */
    public record Score(
            String method,
            Case image,
            int target,
            int predicted,
            double share,
            double onImage,
            double ceiling,
            ClassMap map) {}

    /** One method over all images. */
    public record Summary(
            String method,
            int images,
            double meanShare,
            double atBar,
            double minShare,
            double meanBox,
            double meanOnImage,
            double meanCeiling,
            double ceilingAtBar) {}

    /**
     * Images {@code 0 .. count - 1} of set {@code seed} of {@link ShapeGenerator#sample} (the demo's training
     * distribution: any size and aspect ratio, background, rotation, blur, JPEG or PNG), preprocessed by {@code
     * spec}.
     */
    public static List<Case> cases(long seed, int count, PreprocessingSpec spec) {
        ShapeGenerator generator = new ShapeGenerator(seed);
        ImageDecoder decoder = TrainCommand.decoder();
        Preprocessor preprocessor = new Preprocessor();
        return IntStream.range(0, count)
                .parallel()
                .mapToObj(i -> {
                    ShapeGenerator.Sample sample = generator.sample(i);
                    RgbImage rgb = decoder.decode(sample.encoded(), spec.alpha(), spec.background());
                    Rectangle2D b = sample.box();
                    double[] box = Preprocessor.placement(sample.width(), sample.height(), spec)
                            .box(b.getMinX(), b.getMinY(), b.getMaxX(), b.getMaxY());
                    double[] grown = grown(box, spec.width(), spec.height());
                    double share = (grown[2] - grown[0]) * (grown[3] - grown[1]) / (spec.width() * spec.height());
                    return new Case(
                            i,
                            generator.classes().get(sample.label()),
                            preprocessor.toTensor(rgb, spec),
                            grown,
                            share,
                            ExplainReference.Area.of(Preprocessor.placement(sample.width(), sample.height(), spec)
                                    .area(spec.width(), spec.height())));
                })
                .toList();
    }

    /** {@code box} with its width and height grown by {@link #GROWTH} about its centre, cut to the input. */
    static double[] grown(double[] box, int width, int height) {
        double dx = (box[2] - box[0]) * GROWTH / 2;
        double dy = (box[3] - box[1]) * GROWTH / 2;
        return new double[] {
            Math.max(0, box[0] - dx),
            Math.max(0, box[1] - dy),
            Math.min(width, box[2] + dx),
            Math.min(height, box[3] + dy)
        };
    }

    /**
     * The share of {@code map}'s mass inside {@code box}: each cell covers its part of the {@code width x height}
     * input evenly and counts with the part of its area inside the box. 0 for a map that is 0 everywhere.
     */
    public static double share(ClassMap map, double[] box, int width, int height) {
        double total = 0;
        double inside = 0;
        double cellW = (double) width / map.width();
        double cellH = (double) height / map.height();
        for (int row = 0; row < map.height(); row++) {
            double oy = overlap(row * cellH, (row + 1) * cellH, box[1], box[3]) / cellH;
            for (int col = 0; col < map.width(); col++) {
                double ox = overlap(col * cellW, (col + 1) * cellW, box[0], box[2]) / cellW;
                double v = map.map()[row * map.width() + col];
                total += v;
                inside += v * ox * oy;
            }
        }
        return total > 0 ? inside / total : 0;
    }

    /**
     * The most a map of {@code columns x rows} cells over the {@code width x height} input can put in {@code box}: all
     * of its mass in the cell with the largest part of its area inside. A box smaller than a cell caps every map on
     * that grid, however right, below 1: a shape of 10 px inside one 16 px cell, at most (10 / 16)^2 = 0.39.
     */
    public static double ceiling(int columns, int rows, double[] box, int width, int height) {
        double cellW = (double) width / columns;
        double cellH = (double) height / rows;
        double best = 0;
        for (int row = 0; row < rows; row++) {
            double oy = overlap(row * cellH, (row + 1) * cellH, box[1], box[3]) / cellH;
            for (int col = 0; col < columns; col++) {
                best = Math.max(best, oy * overlap(col * cellW, (col + 1) * cellW, box[0], box[2]) / cellW);
            }
        }
        return best;
    }

    private static double overlap(double from, double to, double boxFrom, double boxTo) {
        return Math.max(0, Math.min(to, boxTo) - Math.max(from, boxFrom));
    }

    /**
     * Explains each image with each method for its true class (the shape drawn, found by name in {@code labels}),
     * on this thread with {@code model}'s block, and scores the map.
     */
    public static List<Score> measure(
            ZooModel<NDList, NDList> model,
            Labels labels,
            PreprocessingSpec spec,
            List<Case> cases,
            List<String> methods,
            Grids grids) {
        Block block = model.getBlock();
        NDManager manager = model.getNDManager();
        long[] shape = {1, 3, spec.height(), spec.width()};
        List<Score> scores = new ArrayList<>();
        for (Case image : cases) {
            int target = labels.names().indexOf(image.shape());
            if (target < 0) {
                throw new IllegalArgumentException("the model has no class '" + image.shape() + "'");
            }
            for (String method : methods) {
                ClassMap map = switch (method) {
                    case "grad-cam", "hires-cam" ->
                        HeatMaps.gradCam(
                                block,
                                manager,
                                image.input(),
                                shape,
                                target,
                                grids.gradCamStagesBack(),
                                GradCam.Weighting.ofMethod(method).orElseThrow());
                    case "integrated-gradients" ->
                        HeatMaps.integratedGradients(
                                block,
                                manager,
                                image.input(),
                                grids.reference(image, spec),
                                shape,
                                target,
                                grids.steps(),
                                grids.attribution());
                    case "occlusion" ->
                        occlusion(
                                block,
                                manager,
                                image.input(),
                                spec,
                                target,
                                grids.occlusion(),
                                grids.reference(image, spec));
                    default -> throw new IllegalArgumentException("method " + method + "; methods: " + METHODS);
                };
                scores.add(new Score(
                        method,
                        image,
                        target,
                        GradCam.argMax(map.logits()),
                        share(map, image.box(), spec.width(), spec.height()),
                        share(map, image.image(), spec.width(), spec.height()),
                        ceiling(map.width(), map.height(), image.box(), spec.width(), spec.height()),
                        map));
            }
        }
        return scores;
    }

    private static ClassMap occlusion(
            Block block,
            NDManager manager,
            float[] input,
            PreprocessingSpec spec,
            int target,
            int cells,
            float[] fill) {
        int grid = Occlusion.grid(cells, spec.height(), spec.width());
        List<float[]> inputs = Occlusion.inputs(input, spec.height(), spec.width(), grid, fill);
        long[] chw = {3, spec.height(), spec.width()};
        return Occlusion.map(HeatMaps.logits(block, manager, inputs, chw, OCCLUSION_BATCH), target, grid);
    }

    /** Per method, in the order of {@code methods}. */
    public static List<Summary> summarise(List<Score> scores, List<String> methods) {
        List<Summary> out = new ArrayList<>();
        for (String method : methods) {
            List<Score> mine =
                    scores.stream().filter(s -> s.method().equals(method)).toList();
            double[] shares = mine.stream().mapToDouble(Score::share).toArray();
            out.add(new Summary(
                    method,
                    shares.length,
                    java.util.Arrays.stream(shares).average().orElse(0),
                    (double) java.util.Arrays.stream(shares)
                                    .filter(s -> s >= BAR)
                                    .count()
                            / Math.max(1, shares.length),
                    java.util.Arrays.stream(shares).min().orElse(0),
                    mine.stream()
                            .mapToDouble(s -> s.image().boxShare())
                            .average()
                            .orElse(0),
                    mine.stream().mapToDouble(Score::onImage).average().orElse(0),
                    mine.stream().mapToDouble(Score::ceiling).average().orElse(0),
                    (double) mine.stream().filter(s -> s.ceiling() >= BAR).count() / Math.max(1, mine.size())));
        }
        return out;
    }

    /**
     * A picture of one image's scores: the input as the model saw it with the grown box in green, then each map over
     * it (the map's value as red, nearest cell), side by side in the order of {@code scores}, with a 4 px gap.
     */
    public static BufferedImage picture(List<Score> scores, PreprocessingSpec spec) {
        int w = spec.width();
        int h = spec.height();
        BufferedImage out = new BufferedImage((w + 4) * (1 + scores.size()) - 4, h, BufferedImage.TYPE_INT_RGB);
        Case image = scores.get(0).image();
        int plane = w * h;
        for (int panel = 0; panel <= scores.size(); panel++) {
            ClassMap map = panel == 0 ? null : scores.get(panel - 1).map();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = 0;
                    double heat =
                            map == null ? 0 : map.map()[(y * map.height() / h) * map.width() + x * map.width() / w];
                    for (int c = 0; c < 3; c++) {
                        double v = (image.input()[c * plane + y * w + x] * spec.std()[c] + spec.mean()[c]) * 255;
                        v = map == null ? v : 0.4 * v + 0.6 * (c == 0 ? 255 * heat : 0);
                        rgb = rgb << 8 | (int) Math.max(0, Math.min(255, Math.round(v)));
                    }
                    out.setRGB(panel * (w + 4) + x, y, rgb);
                }
            }
        }
        Graphics2D g = out.createGraphics();
        g.setColor(Color.GREEN);
        double[] b = image.box();
        for (int panel = 0; panel <= scores.size(); panel++) {
            g.draw(new Rectangle2D.Double(panel * (w + 4) + b[0], b[1], b[2] - b[0] - 1, b[3] - b[1] - 1));
        }
        g.dispose();
        return out;
    }
}
