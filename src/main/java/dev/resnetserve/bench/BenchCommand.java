package dev.resnetserve.bench;

import dev.resnetserve.inference.PredictorCeiling;
import dev.resnetserve.model.EngineSettings;
import dev.resnetserve.model.ModelLoader;
import dev.resnetserve.model.ModelSpec;
import dev.resnetserve.preprocess.ImageDecoder;
import dev.resnetserve.preprocess.ImageLimits;
import dev.resnetserve.preprocess.PreprocessingSpec;
import dev.resnetserve.preprocess.Preprocessor;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code java -jar resnet-serve.jar bench --url http://127.0.0.1:8080/v1/models/m/classify --images DIR
 * [--clients 8 | --rate 40] [--seconds 30] [--warmup 5] [--ceiling-model file.pt --batch 8 --workers 2 [--rounds 3]]}:
 * drives a running service over HTTP (closed loop with {@code --clients}, open loop at {@code --rate} requests/s,
 * then the readiness status right after) and, with {@code --ceiling-model}, also measures the bare predictor on the
 * same model in this process, with the service's thread and native-memory settings, so that both numbers come from
 * one run: the service is warmed up for {@code --warmup} seconds, then the ceiling and the HTTP load alternate
 * {@code --rounds} times over the measured seconds, so that a drift of the machine's speed weighs on both alike.
 */
public final class BenchCommand {

    /** Warm-up of the later rounds: the service sat idle while the ceiling ran. */
    private static final Duration REWARM = Duration.ofSeconds(2);
    /** The bare predictor's steady speed comes after a few batches; no JIT-compiled request path to wait for. */
    private static final Duration CEILING_WARMUP = Duration.ofSeconds(10);

    private final PrintStream out;

    public BenchCommand(PrintStream out) {
        this.out = out;
    }

    public int run(Map<String, String> options) throws Exception {
        List<byte[]> images = HttpLoad.images(Path.of(required(options, "images")));
        int clients = Integer.parseInt(options.getOrDefault("clients", "8"));
        Duration measured = Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "30")));
        Duration warmup = Duration.ofSeconds(Long.parseLong(options.getOrDefault("warmup", "5")));
        out.printf(
                Locale.ROOT,
                "%d cores, %s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        URI target = URI.create(required(options, "url"));
        if (options.containsKey("rate")) {
            double rate = Double.parseDouble(options.get("rate"));
            HttpLoad.Result http = new HttpLoad().runAtRate(target, images, rate, warmup, measured);
            HttpLoad.print(out, "http rate=" + options.get("rate") + "/s", http);
            out.println("readiness right after: " + readiness(target));
            return 0;
        }
        Optional<Ceiling> ceiling =
                options.containsKey("ceiling-model") ? Optional.of(ceiling(options, images.get(0))) : Optional.empty();
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "1"));
        Duration perRound = measured.dividedBy(rounds);
        double ceilingSum = 0;
        double latencyOverCeilingSum = 0;
        long httpOk = 0;
        double httpSeconds = 0;
        if (ceiling.isPresent()) { // the service warms up first, so that the ceiling's warm-up can stay short
            new HttpLoad().run(target, images, clients, warmup, Duration.ZERO);
        }
        for (int round = 1; round <= rounds; round++) {
            Duration roundWarmup = round == 1 && ceiling.isEmpty() ? warmup : REWARM;
            if (ceiling.isPresent()) {
                Duration ceilingWarmup = round == 1 ? CEILING_WARMUP : REWARM;
                PredictorCeiling.Result bare = ceiling.get().measure(ceilingWarmup, perRound);
                out.printf(
                        Locale.ROOT,
                        "%-28s %8.1f img/s  median batch %.1f ms%n",
                        "ceiling w=" + ceiling.get().workers() + " b="
                                + ceiling.get().batch(),
                        bare.imagesPerSecond(),
                        bare.medianBatchMs());
                ceilingSum += bare.imagesPerSecond();
                latencyOverCeilingSum -= bare.medianBatchMs();
            }
            HttpLoad.Result http = new HttpLoad().run(target, images, clients, roundWarmup, perRound);
            HttpLoad.print(out, "http clients=" + clients, http);
            latencyOverCeilingSum += http.p50Ms();
            httpOk += http.ok();
            httpSeconds += http.seconds();
        }
        if (ceiling.isPresent()) {
            double ceilingRate = ceilingSum / rounds;
            out.printf(
                    Locale.ROOT,
                    "over %d round(s): http %.1f img/s, ceiling %.1f img/s, http/ceiling %.2f; "
                            + "http p50 - ceiling median batch %.1f ms%n",
                    rounds,
                    httpOk / httpSeconds,
                    ceilingRate,
                    httpOk / httpSeconds / ceilingRate,
                    latencyOverCeilingSum / rounds);
        }
        return 0;
    }

    /** The bare predictor on one preprocessed image, with the service's thread settings for that many workers. */
    private record Ceiling(ModelLoader loader, ModelSpec spec, float[] tensor, int workers, int batch) {

        PredictorCeiling.Result measure(Duration warmup, Duration measured) throws InterruptedException {
            return PredictorCeiling.measure(loader, spec, tensor, workers, batch, warmup, measured);
        }
    }

    private static Ceiling ceiling(Map<String, String> options, byte[] image) throws IOException {
        int workers = Integer.parseInt(options.getOrDefault("workers", "1"));
        int batch = Integer.parseInt(options.getOrDefault("batch", "8"));
        // the service's defaults for this many CPU workers
        new EngineSettings(true, false, EngineSettings.intraOpThreadsFor(workers), true).apply();
        PreprocessingSpec preprocessing = PreprocessingSpec.imagenet();
        float[] tensor = new Preprocessor()
                .toTensor(
                        new ImageDecoder(new ImageLimits(40_000_000, 65_500))
                                .decode(image, preprocessing.alpha(), preprocessing.background()),
                        preprocessing);
        ModelLoader loader = ModelLoader.standalone(Files.createTempDirectory("bench"));
        ModelSpec spec = new ModelSpec(
                "ceiling",
                "1",
                Path.of(options.get("ceiling-model")).toUri().toString(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(preprocessing));
        return new Ceiling(loader, spec, tensor, workers, batch);
    }

    private static int readiness(URI target) throws Exception {
        URI probe = target.resolve("/actuator/health/readiness");
        return java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(probe).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static String required(Map<String, String> options, String key) {
        String value = options.get(key);
        if (value == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return value;
    }
}
