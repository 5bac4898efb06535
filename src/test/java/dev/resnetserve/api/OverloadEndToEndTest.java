package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Overload end to end, with no mock: the demo model with one worker, batches of one, a queue of two and a 300 ms
 * deadline, flooded over HTTP by {@value #CLIENTS} clients at once for {@value #REQUESTS} requests in all. Every
 * answer is a 200 or a 503 with {@code Retry-After} and an overload code, both come back, and readiness stays UP
 * throughout: overload refuses requests, it does not take the instance out of the load balancer.
 */
@TestPropertySource(
        properties = {
            "resnet.models.demo.queue-capacity=2",
            "resnet.models.demo.request-timeout=300ms",
            "resnet.models.demo.batch.max-size=1",
            "resnet.models.demo.batch.max-delay=0ms",
            "resnet.models.demo.workers=1"
        })
class OverloadEndToEndTest extends RunningServiceTest {

    private static final int CLIENTS = 12;
    private static final int REQUESTS = 360;
    private static final Set<String> OVERLOAD_CODES = Set.of("queue_full", "deadline_exceeded", "server_busy");

    @Test
    void aFloodGets200sAndFast503sWithRetryAfterAndReadinessStaysUp() throws Exception {
        byte[] shape = Fixtures.bytes("shapes-pil/002-triangle.png");
        assertThat(readiness()).as("readiness before").isEqualTo(200);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS + 1);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean flooding = new AtomicBoolean(true);
        List<Future<List<String>>> floods = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            floods.add(clients.submit(() -> {
                start.await();
                List<String> answers = new ArrayList<>();
                for (int i = 0; i < REQUESTS / CLIENTS; i++) {
                    answers.add(describe(client.post("/v1/models/demo/classify", "image/png", shape)));
                }
                return answers;
            }));
        }
        ConcurrentLinkedQueue<Integer> probes = new ConcurrentLinkedQueue<>();
        Future<?> prober = clients.submit(() -> {
            start.await();
            do {
                probes.add(readiness());
            } while (flooding.get());
            return null;
        });

        start.countDown();
        Map<String, Integer> answers = new TreeMap<>();
        try {
            for (Future<List<String>> flood : floods) {
                flood.get(2, TimeUnit.MINUTES).forEach(answer -> answers.merge(answer, 1, Integer::sum));
            }
        } finally {
            flooding.set(false);
            prober.get(1, TimeUnit.MINUTES);
            clients.shutdown();
            assertThat(clients.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        }
        System.out.printf(
                "overload: %d requests from %d clients: %s; readiness probes %s%n",
                REQUESTS,
                CLIENTS,
                answers,
                probes.stream()
                        .collect(java.util.stream.Collectors.groupingBy(
                                s -> s, java.util.stream.Collectors.counting())));

        assertThat(answers.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(REQUESTS);
        assertThat(answers.keySet())
                .as("answers")
                .allMatch(answer -> answer.equals("200")
                        || answer.startsWith("503 ") && OVERLOAD_CODES.contains(answer.substring(4)));
        assertThat(answers).as("some served").containsKey("200");
        assertThat(answers.keySet()).as("some refused").anyMatch(answer -> answer.startsWith("503 "));
        assertThat(probes).as("readiness during the flood").isNotEmpty().containsOnly(200);
        assertThat(readiness()).as("readiness after").isEqualTo(200);
        assertThat(client.post("/v1/models/demo/classify", "image/png", shape).status())
                .as("served after")
                .isEqualTo(200);
    }

    /**
     * "200" for a 200 naming the demo model; "503 " and the code for a 503 with a Retry-After of whole seconds;
     * anything else as its status, Retry-After and body, which the assertions refuse.
     */
    private static String describe(ApiClient.Response response) {
        if (response.status() == 200
                && "demo".equals(response.json().path("model").asString(""))) {
            return "200";
        }
        String retryAfter = response.header("Retry-After");
        if (response.status() == 503 && retryAfter != null && retryAfter.matches("[1-9][0-9]*")) {
            return "503 " + response.json().path("code").asString("");
        }
        return response.status() + " Retry-After " + retryAfter + " " + response.body();
    }

    private int readiness() {
        ApiClient.Response response = client.get("/actuator/health/readiness");
        return response.status() == 200 && response.body().contains("\"UP\"") ? 200 : response.status();
    }
}
