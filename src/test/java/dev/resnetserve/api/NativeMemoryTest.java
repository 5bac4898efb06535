package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.support.Fixtures;
import dev.resnetserve.support.Readiness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * Thousands of requests, good and bad, from concurrent clients: afterwards no NDArray is left alive beyond the
 * model's own (DJL's manager counts), so batches release all their native memory.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class NativeMemoryTest {

    private static final int REQUESTS = 2_000;
    private static final int CLIENTS = 8;

    @LocalServerPort
    int port;

    @Autowired
    ModelRegistry registry;

    @Test
    void thousandsOfRequestsLeaveNoNativeArrays() throws Exception {
        ServedModel parity = registry.require("parity");
        Readiness.await(registry);
        ApiClient client = new ApiClient(port);
        byte[] small = Fixtures.bytes("parity/chelsea-small.jpg");
        byte[] garbage = "not an image".getBytes();
        client.post("/v1/models/parity/classify", "image/jpeg", small);
        int baseline = parity.liveNativeArrays();

        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<Integer>> statuses = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            byte[] body = i % 10 == 9 ? garbage : small;
            statuses.add(clients.submit(() -> client.post("/v1/models/parity/classify", "image/jpeg", body).status()));
        }
        Map<Integer, Integer> histogram = new TreeMap<>();
        for (Future<Integer> status : statuses) {
            histogram.merge(status.get(), 1, Integer::sum);
        }
        clients.shutdown();

        assertThat(histogram).containsOnlyKeys(200, 400).containsEntry(400, REQUESTS / 10);
        assertThat(parity.liveNativeArrays()).as("NDArrays alive after %d requests", REQUESTS).isEqualTo(baseline);
    }
}
