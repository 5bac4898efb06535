package dev.resnetserve.api;

import dev.resnetserve.support.ApiClient;
import java.util.OptionalDouble;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** The pauses explanations of the demo model take while other requests arrive, as the explanation tests see them. */
final class ExplainPauses {

    private ExplainPauses() {}

    /** Seconds explanations of the demo model have paused so far (0 before the first pause). */
    static double pausedSeconds(ApiClient client) {
        return series(client.get("/actuator/prometheus").body(), "explain_paused_seconds_total{model=\"demo\"}")
                .orElse(0);
    }

    /**
     * With a client classifying {@code image} all the while, asks for explanations of it by {@code method}, one after
     * another, until one has paused or 20 have been answered (a short explanation may see no classification arrive
     * during it); each must be answered. True when one paused.
     */
    static boolean pausesWhileClassifying(ApiClient client, String method, byte[] image) throws InterruptedException {
        double before = pausedSeconds(client);
        AtomicBoolean explaining = new AtomicBoolean(true);
        CountDownLatch firstAnswered = new CountDownLatch(1);
        Thread classifying = new Thread(() -> {
            while (explaining.get()) {
                if (client.post("/v1/models/demo/classify", "image/png", image).status() == 200) {
                    firstAnswered.countDown();
                }
            }
        });
        classifying.start();
        try {
            if (!firstAnswered.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("no classification answered in 30 s");
            }
            for (int i = 0; i < 20 && pausedSeconds(client) == before; i++) {
                ApiClient.Response response =
                        client.post("/v1/models/demo/explain?method=" + method, "image/png", image);
                if (response.status() != 200) {
                    throw new AssertionError("explanation answered " + response.status() + ": " + response.body());
                }
            }
        } finally {
            explaining.set(false);
            classifying.join();
        }
        return pausedSeconds(client) > before;
    }

    /** The value of one series in Prometheus's text format. */
    static OptionalDouble series(String metrics, String series) {
        return metrics.lines()
                .filter(line -> line.startsWith(series + " "))
                .mapToDouble(line ->
                        Double.parseDouble(line.substring(series.length() + 1).strip()))
                .findFirst();
    }
}
