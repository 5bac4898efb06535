package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.ResnetServeApplication;
import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.serving.ClassificationObserver;
import dev.resnetserve.serving.Outcome;
import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Fixtures;
import dev.resnetserve.support.Readiness;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Shutdown with requests in flight, as on SIGTERM (the JVM's shutdown hook closes the context the same way):
 * every request the service accepted gets its 200; nothing accepted is dropped, failed or answered 503.
 */
class GracefulShutdownTest {

    private static final int CLIENTS = 12;

    @Test
    void everyAcceptedRequestIsAnsweredBeforeTheModelsClose() throws Exception {
        // one worker and a long batch delay keep requests queued when the shutdown starts
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ResnetServeApplication.class)
                .run(
                        "--spring.profiles.active=test",
                        "--server.port=0",
                        "--resnet.models.parity.workers=1",
                        "--resnet.models.parity.batch.max-size=2",
                        "--resnet.models.parity.batch.max-delay=400ms");
        ModelRegistry registry = context.getBean(ModelRegistry.class);
        MeterRegistry meters = context.getBean(MeterRegistry.class);
        Readiness.await(registry);
        ApiClient client = new ApiClient(
                ((WebServerApplicationContext) context).getWebServer().getPort());
        // the service's own counters, held here because a closed context's registry no longer lists them
        // (by version: parity's one version, and none for a request refused before a version was chosen)
        List<Counter> outcomes = new ArrayList<>();
        for (String version : List.of("1", ClassificationObserver.NO_VERSION)) {
            for (Outcome outcome : Outcome.values()) {
                outcomes.add(meters.counter(
                        "inference.requests", "model", "parity", "outcome", outcome.label(), "version", version));
            }
        }
        Counter successes = outcomes.get(Outcome.SUCCESS.ordinal());
        byte[] cat = Fixtures.bytes("parity/chelsea-small.jpg");

        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            answers.add(CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return client.post("/v1/models/parity/classify", "image/jpeg", cat)
                                    .status();
                        } catch (RuntimeException notAccepted) {
                            return -1; // connection refused or closed before the request was taken
                        }
                    },
                    clients));
        }
        for (int i = 0; i < 300 && registry.require("parity").queueDepth() < 4; i++) {
            Thread.sleep(10); // waiting for requests to queue up, not timing anything
        }
        assertThat(registry.require("parity").queueDepth())
                .as("requests queued at shutdown")
                .isGreaterThanOrEqualTo(4);

        context.close();

        List<Integer> statuses = new ArrayList<>();
        for (CompletableFuture<Integer> answer : answers) {
            statuses.add(answer.get(60, TimeUnit.SECONDS));
        }
        clients.shutdown();
        double accepted = outcomes.stream().mapToDouble(Counter::count).sum();
        assertThat(statuses)
                .as("answers")
                .allSatisfy(status -> assertThat(status).isIn(200, -1));
        assertThat(statuses.stream().filter(s -> s == 200).count())
                .as("200s = requests the service accepted")
                .isEqualTo((long) accepted)
                .isGreaterThanOrEqualTo(4);
        assertThat(successes.count()).as("successes").isEqualTo(accepted);
    }
}
