package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.ZooModel;
import dev.resnetserve.model.ModelArtifact;
import dev.resnetserve.model.ModelLoader;
import dev.resnetserve.model.ModelSpec;
import dev.resnetserve.model.resnet.ClassMap;
import dev.resnetserve.model.resnet.ExplainReference;
import dev.resnetserve.model.resnet.HeatMaps;
import dev.resnetserve.model.resnet.Occlusion;
import dev.resnetserve.model.train.Localisation;
import dev.resnetserve.model.train.ShapeGenerator;
import dev.resnetserve.preprocess.PreprocessingSpec;
import dev.resnetserve.serving.ExplainBudget;
import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Fixtures;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/models/{m}/explain} end to end with the real engine: on the bundled demo model, both methods put
 * the heat map on the shape, wherever it is drawn; the parity TorchScript model is explained by occlusion and
 * refused Grad-CAM (TorchScript defaults: {@code ExplainTorchScriptTest}); the default target is the top-1 class; bad requests are 400s; the PNG is the preprocessed
 * image's size; past the budget, 503 with Retry-After.
 */
class ExplainTest extends RunningServiceTest {

    private static final String DEMO = "/v1/models/demo/explain";
    private static final String PARITY_EXPLAIN = "/v1/models/parity/explain";
    private static final int SIDE = Fixtures.DEMO_INPUT; // the demo model's input: the maps' and pictures' size
    /** Rows of the PNG's legend below the demo's picture: two lines of 12 px text (a font of width / 16). */
    private static final int LEGEND = 34;

    private static final int CANVAS = 128; // the test images: square, so scaled to the input without padding
    private static final double DIAMETER = 44;

    @Autowired
    ExplainBudget budget;

    /**
     * A shape in one quadrant: its centre (x, y), on the 128x128 canvas; and the least share of the map's mass that
     * must lie in that quadrant. Occlusion's maps are 0 away from the shape (measured: 0.81 or more in the quadrant);
     * Grad-CAM's on the demo model (global max pooling) peak on the shape but keep a floor of 0.05-0.2 elsewhere, so
     * 0.47-0.8 of their mass is in the quadrant. HiResCAM puts each channel's share at its maximum: 0.99-1.0
     * (2026-12-03, the 192 px demo). Integrated gradients, on a 16x16 grid: 0.76-0.86.
     */
    static Stream<Arguments> placements() {
        return Stream.of(
                Arguments.of("grad-cam", "circle", 34, 34, 0.4),
                Arguments.of("grad-cam", "square", 94, 94, 0.4),
                Arguments.of("grad-cam", "star", 94, 34, 0.4),
                Arguments.of("grad-cam", "triangle", 34, 94, 0.4),
                Arguments.of("hires-cam", "circle", 34, 34, 0.85),
                Arguments.of("hires-cam", "square", 94, 94, 0.85),
                Arguments.of("hires-cam", "star", 94, 34, 0.85),
                Arguments.of("hires-cam", "triangle", 34, 94, 0.85),
                Arguments.of("integrated-gradients", "circle", 34, 34, 0.65),
                Arguments.of("integrated-gradients", "square", 94, 94, 0.65),
                Arguments.of("integrated-gradients", "star", 94, 34, 0.65),
                Arguments.of("integrated-gradients", "triangle", 34, 94, 0.65),
                Arguments.of("occlusion", "circle", 34, 34, 0.75),
                Arguments.of("occlusion", "square", 94, 94, 0.75),
                Arguments.of("occlusion", "star", 94, 34, 0.75),
                Arguments.of("occlusion", "triangle", 34, 94, 0.75));
    }

    @ParameterizedTest(name = "{0}: {1} at ({2}, {3})")
    @MethodSource("placements")
    void theHeatMapLiesOnTheShape(String method, String shape, int cx, int cy, double minShare) {
        byte[] image = shapeAt(shape, cx, cy);

        ApiClient.Response response = client.post(DEMO + "?method=" + method, "image/png", image);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.get("method").asString()).isEqualTo(method);
        double[][] map = heatmap(body);
        int rows = map.length;
        int cols = map[0].length;
        assertThat(body.get("height").asInt()).isEqualTo(rows);
        assertThat(body.get("width").asInt()).isEqualTo(cols);
        // the quadrant of the canvas that holds the shape, in cells of the map
        int rowFrom = cy < CANVAS / 2 ? 0 : rows / 2;
        int colFrom = cx < CANVAS / 2 ? 0 : cols / 2;
        double total = 0;
        double inside = 0;
        int peakRow = 0;
        int peakCol = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                assertThat(map[r][c]).isBetween(0.0, 1.0);
                total += map[r][c];
                boolean in = r >= rowFrom && r < rowFrom + rows / 2 && c >= colFrom && c < colFrom + cols / 2;
                inside += in ? map[r][c] : 0;
                if (map[r][c] > map[peakRow][peakCol]) {
                    peakRow = r;
                    peakCol = c;
                }
            }
        }
        assertThat(map[peakRow][peakCol]).isEqualTo(1.0, within(1e-6));
        assertThat(peakRow).as("peak row").isBetween(rowFrom, rowFrom + rows / 2 - 1);
        assertThat(peakCol).as("peak column").isBetween(colFrom, colFrom + cols / 2 - 1);
        assertThat(inside / total)
                .as("share of the map's mass in the shape's quadrant")
                .isGreaterThan(minShare);
    }

    @Test
    void theDefaultIsHiResCamOfTheTopClassForTheMaxPooledDemo() {
        byte[] image = shapeAt("hexagon", 40, 88);
        JsonNode top = client.post("/v1/models/demo/classify?topK=1", "image/png", image)
                .json()
                .get("predictions")
                .get(0);

        JsonNode body = client.post(DEMO, "image/png", image).json();

        assertThat(body.get("model").asString()).isEqualTo("demo");
        assertThat(body.get("version").asString()).isEqualTo("1");
        assertThat(body.get("method").asString()).isEqualTo("hires-cam");
        assertThat(body.get("target").get("index").asInt())
                .isEqualTo(top.get("index").asInt());
        assertThat(body.get("target").get("label").asString())
                .isEqualTo(top.get("label").asString());
        assertThat(body.get("target").get("probability").asDouble())
                .isCloseTo(top.get("probability").asDouble(), within(1e-4));
        assertThat(body.get("inputWidth").asInt()).isEqualTo(SIDE);
        assertThat(body.get("inputHeight").asInt()).isEqualTo(SIDE);
    }

    /** HiResCAM is the same pass as Grad-CAM weighted otherwise: the same grid and class, another map (max pooling). */
    @Test
    void hiResCamIsAnotherMapOnTheSameGrid() {
        byte[] image = shapeAt("star", 40, 88);
        JsonNode gradCam =
                client.post(DEMO + "?method=grad-cam", "image/png", image).json();
        JsonNode hiResCam =
                client.post(DEMO + "?method=hires-cam", "image/png", image).json();

        assertThat(hiResCam.get("method").asString()).isEqualTo("hires-cam");
        assertThat(hiResCam.get("target").get("index").asInt())
                .isEqualTo(gradCam.get("target").get("index").asInt());
        double[][] a = heatmap(gradCam);
        double[][] b = heatmap(hiResCam);
        assertThat(b.length).isEqualTo(a.length);
        double difference = 0;
        for (int r = 0; r < a.length; r++) {
            assertThat(b[r]).hasSameSizeAs(a[r]);
            for (int c = 0; c < a[r].length; c++) {
                difference = Math.max(difference, Math.abs(a[r][c] - b[r][c]));
            }
        }
        assertThat(difference).as("the largest difference between the two maps").isGreaterThan(0.1);
    }

    @Test
    void anotherTargetIsExplainedWhenAskedFor() {
        byte[] image = shapeAt("circle", 64, 64);

        JsonNode body = client.post(DEMO + "?target=7&method=occlusion", "image/png", image)
                .json();

        assertThat(body.get("target").get("index").asInt()).isEqualTo(7);
        assertThat(body.get("target").get("label").asString()).isEqualTo("ring");
    }

    @Test
    void aTorchScriptModelIsExplainedByOcclusionWhenAskedAndRefusedGradCam() {
        byte[] image = Fixtures.bytes("parity/chelsea.jpg");
        JsonNode top = client.post(PARITY + "?topK=1", "image/jpeg", image)
                .json()
                .get("predictions")
                .get(0);

        ApiClient.Response occlusion = client.post(PARITY_EXPLAIN + "?method=occlusion", "image/jpeg", image);
        ApiClient.Response gradCam = client.post(PARITY_EXPLAIN + "?method=grad-cam", "image/jpeg", image);

        assertThat(occlusion.status()).as(occlusion.body()).isEqualTo(200);
        assertThat(occlusion.json().get("method").asString()).isEqualTo("occlusion");
        assertThat(occlusion.json().get("target").get("index").asInt())
                .isEqualTo(top.get("index").asInt());
        assertThat(heatmap(occlusion.json())).hasNumberOfRows(12);
        assertThat(occlusion.json().get("inputWidth").asInt()).isEqualTo(224);
        assertThat(gradCam.status()).isEqualTo(400);
        assertThat(gradCam.header("Content-Type")).startsWith("application/problem+json");
        assertThat(gradCam.json().get("code").asString()).isEqualTo("unsupported_method");
        ApiClient.Response hiResCam = client.post(PARITY_EXPLAIN + "?method=hires-cam", "image/jpeg", image);
        assertThat(hiResCam.status()).isEqualTo(400);
        assertThat(hiResCam.json().get("code").asString()).isEqualTo("unsupported_method");
        assertThat(hiResCam.json().get("detail").asString()).contains("cannot be explained with hires-cam");
    }

    @Test
    void aMultipartUploadIsExplainedToo() {
        ApiClient.Response response =
                client.postMultipart(DEMO + "?method=occlusion", "image", "circle.png", shapeAt("circle", 30, 30));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().get("method").asString()).isEqualTo("occlusion");
    }

    @Test
    void badParametersAreRefusedBeforeAnythingRuns() {
        byte[] image = shapeAt("circle", 64, 64);

        assertProblem(client.post(DEMO + "?target=8", "image/png", image), 400, "invalid_parameter");
        assertProblem(client.post(DEMO + "?target=-1", "image/png", image), 400, "invalid_parameter");
        assertProblem(client.post(DEMO + "?method=lime", "image/png", image), 400, "invalid_parameter");
        assertProblem(client.post(DEMO + "?format=gif", "image/png", image), 400, "invalid_parameter");
        assertProblem(client.post("/v1/models/nope/explain", "image/png", image), 404, "model_not_found");
        assertProblem(client.post(DEMO, "image/png", new byte[] {1, 2, 3}), 400, "undecodable_image");
        assertProblem(client.post(DEMO, "image/png", Fixtures.pngDeclaring(5000, 5000)), 413, "image_too_large");
        assertProblem(client.post(DEMO, "image/png", new byte[2 << 20]), 413, "body_too_large");
    }

    @Test
    void formatPngIsTheHeatMapOverThePreprocessedImageWithALegend() throws IOException {
        byte[] image = shapeAt("star", 40, 40);
        double[][] map = heatmap(client.post(DEMO, "image/png", image).json());
        HttpResponse<byte[]> demo =
                client.postForBytes(DEMO + "?format=png", Map.of("Content-Type", "image/png"), image);
        HttpResponse<byte[]> parity = client.postForBytes(
                PARITY_EXPLAIN + "?format=png",
                Map.of("Content-Type", "image/jpeg"),
                Fixtures.bytes("parity/chelsea.jpg"));

        assertThat(demo.statusCode()).isEqualTo(200);
        assertThat(demo.headers().firstValue("Content-Type")).hasValue("image/png");
        BufferedImage demoImage = ImageIO.read(new ByteArrayInputStream(demo.body()));
        // the preprocessed input, and below it the legend
        assertThat(demoImage.getWidth()).isEqualTo(SIDE);
        assertThat(demoImage.getHeight()).isEqualTo(SIDE + LEGEND);
        // the hottest cell's centre is tinted red, the coldest's blue
        int cell = SIDE / map.length;
        int[] hottest = extreme(map, 1);
        int[] coldest = extreme(map, -1);
        Color hot = new Color(demoImage.getRGB(hottest[1] * cell + cell / 2, hottest[0] * cell + cell / 2));
        Color cold = new Color(demoImage.getRGB(coldest[1] * cell + cell / 2, coldest[0] * cell + cell / 2));
        assertThat(hot.getRed()).isGreaterThan(hot.getBlue());
        assertThat(cold.getBlue()).isGreaterThan(cold.getRed());
        // the legend: white, with dark text on both lines at the left
        assertThat(new Color(demoImage.getRGB(SIDE / 2, SIDE + LEGEND - 1))).isEqualTo(Color.WHITE);
        assertThat(darkPixels(demoImage, SIDE, SIDE + LEGEND / 2))
                .as("text on the method's line")
                .isGreaterThan(10);
        assertThat(darkPixels(demoImage, SIDE + LEGEND / 2, SIDE + LEGEND))
                .as("text on the class's line")
                .isGreaterThan(10);
        assertThat(parity.statusCode()).isEqualTo(200);
        BufferedImage parityImage = ImageIO.read(new ByteArrayInputStream(parity.body()));
        assertThat(parityImage.getWidth()).isEqualTo(224);
        assertThat(parityImage.getHeight()).isEqualTo(224 + 39); // 14 px text
    }

    @Test
    void bothAnswersNameTheMethodAndTheTargetInHeaders() throws IOException {
        byte[] image = shapeAt("square", 90, 40);
        ApiClient.Response json = client.post(DEMO + "?method=integrated-gradients", "image/png", image);
        JsonNode target = json.json().get("target");

        HttpResponse<byte[]> png = client.postForBytes(
                DEMO + "?format=png&method=occlusion&target="
                        + target.get("index").asInt(),
                Map.of("Content-Type", "image/png"),
                image);

        assertThat(json.header(ExplainController.METHOD)).isEqualTo("integrated-gradients");
        assertThat(json.header(ExplainController.TARGET_LABEL))
                .isEqualTo(target.get("label").asString());
        assertThat(png.statusCode()).isEqualTo(200);
        assertThat(png.headers().firstValue(ExplainController.MODEL)).hasValue("demo");
        assertThat(png.headers().firstValue(ExplainController.VERSION)).hasValue("1");
        assertThat(png.headers().firstValue(ExplainController.METHOD)).hasValue("occlusion");
        assertThat(png.headers().firstValue(ExplainController.TARGET_INDEX))
                .hasValue(Integer.toString(target.get("index").asInt()));
        assertThat(png.headers().firstValue(ExplainController.TARGET_LABEL))
                .hasValue(target.get("label").asString());
        assertThat(Double.parseDouble(png.headers()
                        .firstValue(ExplainController.TARGET_PROBABILITY)
                        .orElseThrow()))
                .isCloseTo(target.get("probability").asDouble(), within(1e-6));
        BufferedImage picture = ImageIO.read(new ByteArrayInputStream(png.body()));
        assertThat(picture.getWidth()).isEqualTo(SIDE);
        assertThat(picture.getHeight()).isEqualTo(SIDE + LEGEND);
    }

    @Test
    void aLabelIsSentAsPrintableAsciiInItsHeader() {
        assertThat(ExplainController.headerSafe("great white shark")).isEqualTo("great white shark");
        assertThat(ExplainController.headerSafe("caf\u00e9 100%")).isEqualTo("caf%C3%A9 100%25");
        assertThat(ExplainController.headerSafe("a\r\nSet-Cookie: x")).isEqualTo("a%0D%0ASet-Cookie: x");
    }

    /** Pixels darker than mid-grey in the left half of rows {@code from} to {@code to} (exclusive): the text. */
    private static int darkPixels(BufferedImage image, int from, int to) {
        int dark = 0;
        for (int y = from; y < to; y++) {
            for (int x = 0; x < image.getWidth() / 2; x++) {
                Color c = new Color(image.getRGB(x, y));
                dark += c.getRed() + c.getGreen() + c.getBlue() < 3 * 100 ? 1 : 0;
            }
        }
        return dark;
    }

    /** The cell (row, column) of the map's largest value ({@code sign} 1) or smallest (-1). */
    private static int[] extreme(double[][] map, int sign) {
        int[] best = {0, 0};
        for (int r = 0; r < map.length; r++) {
            for (int c = 0; c < map[r].length; c++) {
                if (sign * map[r][c] > sign * map[best[0]][best[1]]) {
                    best = new int[] {r, c};
                }
            }
        }
        return best;
    }

    @Test
    void pastTheBudgetExplanationsAreRefusedAndClassificationGoesOn() {
        byte[] image = shapeAt("circle", 64, 64);
        try (ExplainBudget.Permit held = budget.acquire()) { // the one explanation allowed by default
            ApiClient.Response refused = client.post(DEMO, "image/png", image);

            assertProblem(refused, 503, "explain_busy");
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(client.post("/v1/models/demo/classify", "image/png", image)
                            .status())
                    .isEqualTo(200);
        }
        assertThat(client.post(DEMO, "image/png", image).status()).isEqualTo(200);
        assertThat(budget.running()).isZero();
    }

    @Test
    void explanationsAreCountedApartFromClassifications() {
        client.post(DEMO + "?method=occlusion", "image/png", shapeAt("circle", 64, 64));
        client.post(DEMO + "?target=99", "image/png", shapeAt("circle", 64, 64));

        String metrics = client.get("/actuator/prometheus").body();

        assertThat(metrics).contains("explain_requests_total{model=\"demo\",outcome=\"success\"}");
        assertThat(metrics).contains("explain_requests_total{model=\"demo\",outcome=\"bad_request\"}");
        for (String stage : List.of("decode", "preprocess", "inference")) {
            String series = "{method=\"occlusion\",model=\"demo\",stage=\"" + stage + "\",version=\"1\"}";
            assertThat(sample(metrics, "explain_stage_duration_seconds_count" + series))
                    .as(stage)
                    .isGreaterThanOrEqualTo(1);
            assertThat(sample(metrics, "explain_stage_duration_seconds_sum" + series))
                    .as(stage)
                    .isPositive();
        }
    }

    /**
     * Occlusion queues its 145 inputs (a 12x12 grid) in parts of {@code resnet.explain.occlusion-batch} (4), each awaited before the
     * next: no batch a worker runs for it holds more (docs/benchmarks.md: whole batches of 8 raised classification's
     * p99 more), and every input runs once.
     */
    @Test
    void anOcclusionRunsInPartsOfFour() {
        String before = client.get("/actuator/prometheus").body();

        assertThat(client.post(DEMO + "?method=occlusion", "image/png", shapeAt("circle", 34, 94))
                        .status())
                .isEqualTo(200);

        String after = client.get("/actuator/prometheus").body();
        String series = "{device=\"cpu\",model=\"demo\"";
        double batches = seen(after, "inference_batch_size_count" + series + "}")
                - seen(before, "inference_batch_size_count" + series + "}");
        double ofFourAtMost = seen(after, "inference_batch_size_bucket" + series + ",le=\"4.0\"}")
                - seen(before, "inference_batch_size_bucket" + series + ",le=\"4.0\"}");
        double inputs = seen(after, "inference_batch_size_sum" + series + "}")
                - seen(before, "inference_batch_size_sum" + series + "}");
        assertThat(inputs).as("the input and its 144 occluded copies").isEqualTo(145);
        assertThat(batches).as("145 inputs in parts of 4").isGreaterThanOrEqualTo(37);
        assertThat(ofFourAtMost).as("batches of 4 or fewer").isEqualTo(batches);
    }

    @ParameterizedTest
    @ValueSource(strings = {"grad-cam", "integrated-gradients", "occlusion"})
    void anExplanationAloneOnTheModelNeverPauses(String method) {
        double before = pausedSeconds();

        assertThat(client.post(DEMO + "?method=" + method, "image/png", shapeAt("star", 64, 64))
                        .status())
                .isEqualTo(200);

        assertThat(pausedSeconds()).isEqualTo(before);
    }

    /**
     * With classifications arriving all the while, an explanation pauses after its parts (occlusion's 145 passes run
     * as 37 parts of 4, integrated gradients' 16 path points as 4, Grad-CAM is one) when others were queued meanwhile
     * ({@code resnet.explain.share-under-load}, 0.5 by default), and is still answered. A Grad-CAM job is short, so a
     * classification may not arrive during the first: up to 20 explanations are asked for, one after another.
     */
    @ParameterizedTest
    @ValueSource(strings = {"grad-cam", "integrated-gradients", "occlusion"})
    void whileClassificationsArriveAnExplanationPauses(String method) throws Exception {
        assertThat(ExplainPauses.pausesWhileClassifying(client, method, shapeAt("square", 64, 64)))
                .isTrue();
    }

    private double pausedSeconds() {
        return ExplainPauses.pausedSeconds(client);
    }

    /** The value of one series in Prometheus's text format; 0 while it is missing. */
    private static double seen(String metrics, String series) {
        return ExplainPauses.series(metrics, series).orElse(0);
    }

    /** The value of one series in Prometheus's text format; fails if it is missing. */
    private static double sample(String metrics, String series) {
        return ExplainPauses.series(metrics, series).orElseThrow(() -> new AssertionError("no series " + series));
    }

    /** A dark blue shape on an off-white 128 px canvas, centred at (cx, cy); ExplainLastPauseTest's image too. */
    static byte[] shapeAt(String shape, int cx, int cy) {
        return ShapeGenerator.placed(
                shape, CANVAS, CANVAS, cx, cy, DIAMETER, new Color(235, 235, 225), new Color(30, 60, 150));
    }

    /**
     * Integrated gradients and occlusion over HTTP are the maps the methods make directly of the same input from the
     * service's reference, the image blurred ({@code resnet.explain.reference}): the reference reaches the workers'
     * passes and the sum of their parts (a worker given another baseline than the sum's answers another map).
     */
    @ParameterizedTest
    @ValueSource(strings = {"integrated-gradients", "occlusion"})
    void theMapsAreTheMethodsOwnFromTheBlurredImage(String method) throws Exception {
        long set = 2101;
        int index = 3;
        ShapeGenerator.Sample sample = new ShapeGenerator(set).sample(index);
        ModelLoader loader = ModelLoader.standalone(Files.createTempDirectory("explain-direct"));
        ModelSpec spec = new ModelSpec(
                "demo", "1", "classpath:models/demo", Optional.empty(), Optional.empty(), Optional.empty());
        ModelArtifact artifact = loader.locate(spec);
        PreprocessingSpec p =
                artifact.descriptor().orElseThrow().preprocessing().orElseThrow();
        Localisation.Case image = Localisation.cases(set, index + 1, p).get(index);
        float[] input = image.input();
        assertThat(image.area())
                .as("a letterboxed image: the blur stays inside it")
                .isNotEqualTo(ExplainReference.Area.whole(p.height(), p.width()));
        float[] reference = ExplainReference.BLUR.of(input, p.height(), p.width(), image.area());

        JsonNode body = client.post(DEMO + "?method=" + method, "image/" + sample.format(), sample.encoded())
                .json();

        ClassMap direct;
        try (ZooModel<NDList, NDList> demo = loader.load(spec, artifact, Device.cpu())) {
            long[] shape = {1, 3, p.height(), p.width()};
            direct = method.equals("occlusion")
                    ? Occlusion.map(
                            HeatMaps.logits(
                                    demo.getBlock(),
                                    demo.getNDManager(),
                                    Occlusion.inputs(input, p.height(), p.width(), 12, reference),
                                    new long[] {3, p.height(), p.width()},
                                    8),
                            -1,
                            12)
                    : HeatMaps.integratedGradients(
                            demo.getBlock(),
                            demo.getNDManager(),
                            input,
                            reference,
                            shape,
                            -1,
                            16,
                            HeatMaps.ATTRIBUTION_GRID);
        }
        assertThat(body.get("target").get("index").asInt()).isEqualTo(direct.target());
        double[][] served = heatmap(body);
        assertThat(served).hasNumberOfRows(direct.height());
        for (int row = 0; row < direct.height(); row++) {
            for (int column = 0; column < direct.width(); column++) {
                assertThat(served[row][column])
                        .as("%s cell (%d, %d)", method, row, column)
                        .isCloseTo(direct.map()[row * direct.width() + column], within(2e-3));
            }
        }
    }

    private static double[][] heatmap(JsonNode body) {
        JsonNode rows = body.get("heatmap");
        double[][] map = new double[rows.size()][];
        for (int r = 0; r < rows.size(); r++) {
            map[r] = new double[rows.get(r).size()];
            for (int c = 0; c < map[r].length; c++) {
                map[r][c] = rows.get(r).get(c).asDouble();
            }
        }
        return map;
    }

    private static void assertProblem(ApiClient.Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.json().get("code").asString()).isEqualTo(code);
    }
}
