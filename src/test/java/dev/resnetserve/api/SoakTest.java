package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.inference.ServedModel;
import dev.resnetserve.support.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * A soak: thousands of mixed requests (good and bad images, every protocol) from concurrent clients. After a warm-up
 * of 2,000 requests, the resident memory (VmRSS) grows by at most {@value #MAX_GROWTH_MIB_PER_THOUSAND} MiB per 1,000
 * requests (the least of three phases), the thread count is where it was, and no NDArray is left alive beyond the models' own (DJL's manager
 * counts). The heap is fixed and pre-touched (pom.xml), so the growth is native memory. CI runs 3,000 requests; a
 * longer run: {@code mvn -B -ntp test -Dtest=SoakTest -Dsoak.requests=100000 -Dfuzz.skip=true}.
 */
class SoakTest extends RunningServiceTest {

    private static final int REQUESTS = Integer.getInteger("soak.requests", 3_000);
    private static final int WARM_UP = 2_000; // the resident size climbs by about 100 MiB over the first 1,500
    private static final int CLIENTS = 8;
    /**
     * Measured on 2 shared cores: +4.9 and +5.6 MiB per 1,000 over 3,000 requests (+8.2 and +11.7 over 2,000; about
     * +2 over 10,000): the resident size still rises in steps of a few MiB as threads get malloc arenas, then levels
     * off. A leak of 32 KiB of native memory per /v1 classification (12.5 MiB per 1,000 of this mix) fails it; the
     * old bound, 10 % of the resident size (about 170 MiB), let it pass.
     */
    private static final double MAX_GROWTH_MIB_PER_THOUSAND = 12;
    /**
     * The requests after the warm-up run in phases and the least growth of a phase is bounded: a leak grows the
     * resident size in every phase, while a new malloc arena (one step of tens of MiB, more likely on machines with
     * many cores, where glibc allows 8 arenas per core) lands in one. A CI machine saw +16 MiB per 1,000 over a
     * single phase of 3,000 that way.
     */
    private static final int PHASES = 3;

    @Test
    void memoryThreadsAndNativeArraysReturnToTheirWarmedUpLevel() throws Exception {
        ServedModel parity = registry.require("parity");
        ServedModel demo = registry.require("demo");
        run(WARM_UP);
        long rss = residentBytes();
        int threads = Thread.activeCount();
        int arrays = parity.liveNativeArrays() + demo.liveNativeArrays();

        Map<Integer, Integer> histogram = new TreeMap<>();
        List<Double> growths = new ArrayList<>();
        long before = rss;
        for (int phase = 0; phase < PHASES; phase++) {
            run(REQUESTS / PHASES).forEach((status, n) -> histogram.merge(status, n, Integer::sum));
            long after = residentBytes();
            growths.add((after - before) / (double) (1 << 20) / (REQUESTS / PHASES / 1000.0));
            before = after;
        }
        long rssAfter = before;
        double growthPerThousand = growths.stream().mapToDouble(g -> g).min().orElseThrow();
        System.out.printf(
                "soak: %d requests %s; resident %d -> %d MiB (per 1,000 requests, by phase: %s MiB); threads %d"
                        + " -> %d; NDArrays %d -> %d%n",
                REQUESTS,
                histogram,
                rss >> 20,
                rssAfter >> 20,
                growths.stream().map(g -> String.format("%+.2f", g)).toList(),
                threads,
                Thread.activeCount(),
                arrays,
                parity.liveNativeArrays() + demo.liveNativeArrays());

        assertThat(histogram).as("statuses").containsOnlyKeys(200, 400, 404, 413, 415);
        assertThat(histogram.get(200)).isGreaterThan(REQUESTS / 2);
        assertThat(parity.liveNativeArrays() + demo.liveNativeArrays())
                .as("NDArrays alive after %d requests", REQUESTS)
                .isEqualTo(arrays);
        assertThat(Thread.activeCount()).as("threads").isLessThanOrEqualTo(threads + 4);
        assertThat(growthPerThousand)
                .as(
                        "least resident memory growth of %d phases, MiB per 1,000 requests (%d -> %d MiB, by phase %s)",
                        PHASES, rss >> 20, rssAfter >> 20, growths)
                .isLessThanOrEqualTo(MAX_GROWTH_MIB_PER_THOUSAND);
    }

    /** The mix: mostly good images over /v1, /v2 and /predictions, and bad ones of every kind. */
    private Map<Integer, Integer> run(int requests) throws Exception {
        byte[] cat = Fixtures.bytes("parity/chelsea-small.jpg");
        byte[] shape = Fixtures.bytes("shapes-pil/002-triangle.png");
        byte[] truncated = Fixtures.bytes("../hostile/truncated.png");
        byte[] bomb = Fixtures.bytes("../hostile/png-bomb-100000x100000.png");
        byte[] oip = ("{\"inputs\":[{\"name\":\"image\",\"datatype\":\"BYTES\",\"shape\":[2],\"data\":[\""
                        + Base64.getEncoder().encodeToString(cat) + "\",\""
                        + Base64.getEncoder().encodeToString(cat)
                        + "\"]}]}")
                .getBytes();
        IntFunction<Integer> request = i -> switch (i % 10) {
            case 0, 1, 2 -> client.post(PARITY, "image/jpeg", cat).status();
            case 3 -> client.post("/v1/classify", "image/png", shape).status();
            case 4 ->
                client.post("/v2/models/parity/infer", "application/json", oip).status();
            case 5 -> client.post("/predictions/demo", "image/png", shape).status();
            case 6 -> client.post(PARITY, "image/png", truncated).status();
            case 7 -> client.post(PARITY, "image/png", bomb).status();
            case 8 -> client.post(PARITY, "text/plain", cat).status();
            default ->
                client.post("/v1/models/nope/classify", "image/jpeg", cat).status();
        };
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<Integer>> statuses = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            int n = i;
            statuses.add(clients.submit(() -> request.apply(n)));
        }
        Map<Integer, Integer> histogram = new TreeMap<>();
        for (Future<Integer> status : statuses) {
            histogram.merge(status.get(), 1, Integer::sum);
        }
        clients.shutdown();
        assertThat(clients.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES))
                .isTrue();
        return histogram;
    }

    private static long residentBytes() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
