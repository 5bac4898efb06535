package dev.resnetserve.model.train;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.ZooModel;
import dev.resnetserve.model.Labels;
import dev.resnetserve.model.ModelArtifact;
import dev.resnetserve.model.ModelLoader;
import dev.resnetserve.model.ModelSpec;
import dev.resnetserve.model.resnet.ClassMap;
import dev.resnetserve.model.resnet.ExplainReference;
import dev.resnetserve.preprocess.PreprocessingSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code experiment localisation [--model classpath:models/demo] [--images 100] [--seed 2101] [--methods
 * grad-cam,hires-cam,integrated-gradients,occlusion] [--preprocessing imagenet|whole-image] [--out target/localisation]
 * [--pictures 0] [--attribution-grid 16] [--occlusion-grid 12] [--grad-cam-stages-back 0] [--reference blur|mean]
 * [--blur-sigma S] [--steps 16]}:
 * {@link Localisation} on {@code images} generated images of set {@code seed}, each explained for its true class by
 * each method. Prints a Markdown table per method (mean share of the map's mass in the shape's box grown by 10 %, the
 * share of images at 70 % or more, the least share, and the grown box's mean share of the input, what an even map
 * would score, and the mean share on the image's own area, the rest lying on padding) and writes {@code localisation.csv} (one row per image and method) and {@code summary.csv}; with
 * {@code --pictures N}, for the first N images a PNG of the input with the grown box and each method's map.
 */
final class LocalisationExperiment {

    /** Bounds on what a command line may ask for: images of up to 1024 px a side each. */
    static final int MAX_IMAGES = 10_000;

    private final PrintStream out;

    LocalisationExperiment(PrintStream out) {
        this.out = out;
    }

    /** What {@link #measure} found: every map's score, and per method. */
    record Measured(
            PreprocessingSpec preprocessing, List<Localisation.Score> scores, List<Localisation.Summary> summaries) {}

    /**
     * Loads the model at {@code location} (on the CPU) and scores {@code count} images of set {@code seed} with each of
     * {@code methods}: the command's work, and {@code LocalisationTest}'s.
     *
     * @param preset a preprocessing preset; empty: the model's own description, else imagenet
     */
    static Measured measure(String location, Optional<String> preset, long seed, int count, List<String> methods)
            throws IOException {
        return measure(location, preset, seed, count, methods, Localisation.Grids.DEFAULT);
    }

    static Measured measure(
            String location,
            Optional<String> preset,
            long seed,
            int count,
            List<String> methods,
            Localisation.Grids grids)
            throws IOException {
        System.setProperty("ai.djl.offline", "true");
        Path work = Files.createTempDirectory("resnet-serve-localisation");
        ModelLoader loader = ModelLoader.standalone(work);
        Optional<PreprocessingSpec> asked = preset.map(PreprocessingSpec::preset);
        ModelSpec spec = new ModelSpec("model", "1", location, Optional.empty(), Optional.empty(), asked);
        ModelArtifact artifact = loader.locate(spec);
        PreprocessingSpec preprocessing = asked.or(() -> artifact.descriptor().flatMap(d -> d.preprocessing()))
                .orElse(PreprocessingSpec.imagenet());
        Labels labels = loader.labels(spec, artifact)
                .orElseThrow(() -> new IllegalArgumentException(location + " has no labels"));
        List<Localisation.Case> cases = Localisation.cases(seed, count, preprocessing);
        List<Localisation.Score> scores;
        try (ZooModel<NDList, NDList> model = loader.load(spec, artifact, Device.cpu())) {
            scores = Localisation.measure(model, labels, preprocessing, cases, methods, grids);
        }
        return new Measured(preprocessing, scores, Localisation.summarise(scores, methods));
    }

    private static ExplainReference reference(String name) {
        for (ExplainReference r : ExplainReference.values()) {
            if (r.name().equalsIgnoreCase(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("--reference is blur or mean, got " + name);
    }

    /** A map of {@code method}, for its grid (every image's map of one method has the same). */
    private static ClassMap grid(List<Localisation.Score> scores, String method) {
        return scores.stream()
                .filter(s -> s.method().equals(method))
                .findFirst()
                .orElseThrow()
                .map();
    }

    int run(Map<String, String> options) throws Exception {
        String location = options.getOrDefault("model", "classpath:models/demo");
        int count = Integer.parseInt(options.getOrDefault("images", "100"));
        if (count < 1 || count > MAX_IMAGES) {
            throw new IllegalArgumentException("--images must be 1 to " + MAX_IMAGES + ", got " + count);
        }
        long seed = Long.parseLong(options.getOrDefault("seed", "2101"));
        List<String> methods = List.of(options.getOrDefault("methods", String.join(",", Localisation.METHODS))
                .split(","));
        Path dir = Path.of(options.getOrDefault("out", "target/localisation"));
        Files.createDirectories(dir);

        long start = System.nanoTime();
        Localisation.Grids grids = new Localisation.Grids(
                Integer.parseInt(options.getOrDefault(
                        "attribution-grid", Integer.toString(Localisation.Grids.DEFAULT.attribution()))),
                Integer.parseInt(options.getOrDefault(
                        "occlusion-grid", Integer.toString(Localisation.Grids.DEFAULT.occlusion()))),
                Integer.parseInt(options.getOrDefault("grad-cam-stages-back", "0")),
                reference(options.getOrDefault("reference", "blur")),
                Double.parseDouble(options.getOrDefault("blur-sigma", "0")),
                Integer.parseInt(options.getOrDefault("steps", Integer.toString(Localisation.PATH_STEPS))));
        Measured m = measure(location, Optional.ofNullable(options.get("preprocessing")), seed, count, methods, grids);
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Localisation.Score> scores = m.scores();
        List<Localisation.Summary> summaries = m.summaries();
        PreprocessingSpec preprocessing = m.preprocessing();
        long correct = scores.stream()
                .filter(s -> s.method().equals(methods.get(0)) && s.predicted() == s.target())
                .count();
        out.printf(
                Locale.ROOT,
                "%s: %d images of set %d (%d %s, input %dx%d), explained for their true class; %d/%d classified"
                        + " correctly; %.0f s%n",
                location,
                count,
                seed,
                count,
                "ShapeGenerator samples",
                preprocessing.width(),
                preprocessing.height(),
                correct,
                count,
                seconds);
        out.println("| method | images | mean share in the box + 10 % | images with >= 70 % | least | box's share"
                + " of the input (an even map) | mean share on the image (the rest on padding) | the best map on its"
                + " grid: mean share, images with >= 70 % |");
        out.println("|---|---|---|---|---|---|---|---|");
        for (Localisation.Summary s : summaries) {
            out.printf(
                    Locale.ROOT,
                    "| %s (%dx%d) | %d | %.3f | %.0f %% | %.3f | %.3f | %.3f | %.3f, %.0f %% |%n",
                    s.method(),
                    grid(scores, s.method()).width(),
                    grid(scores, s.method()).height(),
                    s.images(),
                    s.meanShare(),
                    100 * s.atBar(),
                    s.minShare(),
                    s.meanBox(),
                    s.meanOnImage(),
                    s.meanCeiling(),
                    100 * s.ceilingAtBar());
        }
        List<String> rows = new ArrayList<>();
        rows.add("method,image,shape,target,predicted,box_x0,box_y0,box_x1,box_y1,box_share,share,on_image,ceiling");
        for (Localisation.Score s : scores) {
            double[] b = s.image().box();
            rows.add(String.format(
                    Locale.ROOT,
                    "%s,%d,%s,%d,%d,%.2f,%.2f,%.2f,%.2f,%.4f,%.4f,%.4f,%.4f",
                    s.method(),
                    s.image().index(),
                    s.image().shape(),
                    s.target(),
                    s.predicted(),
                    b[0],
                    b[1],
                    b[2],
                    b[3],
                    s.image().boxShare(),
                    s.share(),
                    s.onImage(),
                    s.ceiling()));
        }
        Files.write(dir.resolve("localisation.csv"), rows);
        List<String> summary = new ArrayList<>();
        summary.add("method,images,mean_share,at_least_70,least_share,mean_box_share,mean_on_image,mean_ceiling,"
                + "ceiling_at_least_70");
        for (Localisation.Summary s : summaries) {
            summary.add(String.format(
                    Locale.ROOT,
                    "%s,%d,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f",
                    s.method(),
                    s.images(),
                    s.meanShare(),
                    s.atBar(),
                    s.minShare(),
                    s.meanBox(),
                    s.meanOnImage(),
                    s.meanCeiling(),
                    s.ceilingAtBar()));
        }
        Files.write(dir.resolve("summary.csv"), summary);
        int pictures = Math.min(count, Integer.parseInt(options.getOrDefault("pictures", "0")));
        for (int i = 0; i < pictures; i++) {
            int index = i;
            List<Localisation.Score> mine =
                    scores.stream().filter(s -> s.image().index() == index).toList();
            javax.imageio.ImageIO.write(
                    Localisation.picture(mine, preprocessing),
                    "png",
                    dir.resolve(String.format(
                                    Locale.ROOT,
                                    "%03d-%s.png",
                                    index,
                                    mine.get(0).image().shape()))
                            .toFile());
        }
        out.println("wrote " + dir.toAbsolutePath().resolve("localisation.csv") + " and summary.csv");
        return 0;
    }
}
