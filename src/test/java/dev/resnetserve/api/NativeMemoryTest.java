package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.support.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Thousands of requests, good and bad, from concurrent clients: afterwards no NDArray is left alive beyond the
 * model's own (DJL's manager counts), so batches release all their native memory.
 */
class NativeMemoryTest extends RunningServiceTest {

    private static final int REQUESTS = 2_000;
    private static final int CLIENTS = 8;

    @Test
    void thousandsOfRequestsLeaveNoNativeArrays() throws Exception {
        ServedModel parity = registry.require("parity");
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
