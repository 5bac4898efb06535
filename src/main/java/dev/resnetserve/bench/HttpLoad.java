package dev.resnetserve.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * An HTTP load generator, closed loop ({@code clients} threads each post images back to back) or open loop (a fixed
 * rate), for {@code seconds} after a warm-up; it reports throughput, latency percentiles of the 200s and the status
 * histogram. It runs on the machine it measures, so it is built to cost little CPU: Apache HttpClient's blocking
 * client with kept-alive pooled connections, half the JDK client's CPU per request here (1.1 against 2.1 ms).
 */
public final class HttpLoad {

    /** What one run measured. */
    public record Result(
            double seconds, long ok, Map<Integer, Long> statuses, double p50Ms, double p90Ms, double p99Ms) {

        public double throughput() {
            return ok / seconds;
        }
    }

    private static final int MAX_CONNECTIONS = 4096;

    public Result run(URI target, List<byte[]> images, int clients, Duration warmup, Duration measured)
            throws InterruptedException {
        return measure(
                warmup,
                measured,
                (length, latencies, statuses) -> drive(target, images, clients, length, latencies, statuses));
    }

    /** How a run sends its requests for {@code length}, recording latencies of 200s and every status. */
    @FunctionalInterface
    private interface Driver {
        void drive(Duration length, List<Long> latencies, Map<Integer, AtomicLong> statuses)
                throws InterruptedException;
    }

    private static Result measure(Duration warmup, Duration measured, Driver driver) throws InterruptedException {
        driver.drive(warmup, Collections.synchronizedList(new ArrayList<>()), new ConcurrentHashMap<>());
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        driver.drive(measured, latencies, statuses);
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        Map<Integer, Long> histogram = new TreeMap<>();
        statuses.forEach((status, count) -> histogram.put(status, count.get()));
        return new Result(
                seconds,
                sorted.length,
                histogram,
                percentile(sorted, 0.50),
                percentile(sorted, 0.90),
                percentile(sorted, 0.99));
    }

    /**
     * Open loop: requests leave at {@code rate} per second whatever the answers, as independent users send them,
     * so an overloaded service is seen as it is (a closed loop would slow down with it).
     */
    public Result runAtRate(URI target, List<byte[]> images, double rate, Duration warmup, Duration measured)
            throws InterruptedException {
        return measure(
                warmup,
                measured,
                (length, latencies, statuses) -> driveAtRate(target, images, rate, length, latencies, statuses));
    }

    private void driveAtRate(
            URI target,
            List<byte[]> images,
            double rate,
            Duration length,
            List<Long> latencies,
            Map<Integer, AtomicLong> statuses)
            throws InterruptedException {
        long start = System.nanoTime();
        long count = (long) (rate * length.toNanos() / 1e9);
        ExecutorService senders = Executors.newCachedThreadPool();
        try (CloseableHttpClient http = client()) {
            List<CompletableFuture<?>> pending = new ArrayList<>();
            for (long i = 0; i < count; i++) {
                long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                byte[] image = images.get((int) (i % images.size()));
                pending.add(CompletableFuture.runAsync(() -> post(http, target, image, latencies, statuses), senders));
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("requests still unanswered 120 s after the run", e);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            senders.shutdownNow();
        }
    }

    private void drive(
            URI target,
            List<byte[]> images,
            int clients,
            Duration length,
            List<Long> latencies,
            Map<Integer, AtomicLong> statuses)
            throws InterruptedException {
        long end = System.nanoTime() + length.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try (CloseableHttpClient http = client()) {
            for (int c = 0; c < clients; c++) {
                int client = c;
                pool.submit(() -> {
                    for (int i = client; System.nanoTime() < end; i += clients) {
                        post(http, target, images.get(i % images.size()), latencies, statuses);
                    }
                });
            }
            pool.shutdown();
            pool.awaitTermination(length.toSeconds() + 120, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One request; the latency of a 200 and the status of every answer (-1: no answer). */
    private static void post(
            CloseableHttpClient http,
            URI target,
            byte[] image,
            List<Long> latencies,
            Map<Integer, AtomicLong> statuses) {
        HttpPost request = new HttpPost(target);
        request.setEntity(new ByteArrayEntity(image, ContentType.APPLICATION_OCTET_STREAM));
        long sent = System.nanoTime();
        int status;
        try {
            status = http.execute(request, response -> {
                EntityUtils.consume(response.getEntity());
                return response.getCode();
            });
        } catch (IOException e) {
            status = -1;
        }
        if (status == 200) {
            latencies.add(System.nanoTime() - sent);
        }
        statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
    }

    private static CloseableHttpClient client() {
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(MAX_CONNECTIONS)
                        .setMaxConnPerRoute(MAX_CONNECTIONS)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.ofSeconds(5))
                                .build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.ofSeconds(60))
                        .build())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableContentCompression()
                .build();
    }

    static double percentile(long[] sortedNanos, double q) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(q * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(index, sortedNanos.length - 1))] / 1e6;
    }

    static List<byte[]> images(Path dir) throws java.io.IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<byte[]> images = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().matches("(?i).*\\.(jpe?g|png)$"))
                    .sorted()
                    .toList()) {
                images.add(Files.readAllBytes(file));
            }
            if (images.isEmpty()) {
                throw new IllegalArgumentException("no .jpg or .png images in " + dir);
            }
            return images;
        }
    }

    static void print(PrintStream out, String label, Result r) {
        out.printf(
                Locale.ROOT,
                "%-28s %8.1f img/s  p50 %7.1f ms  p90 %7.1f ms  p99 %7.1f ms  statuses %s%n",
                label,
                r.throughput(),
                r.p50Ms(),
                r.p90Ms(),
                r.p99Ms(),
                r.statuses());
    }
}
