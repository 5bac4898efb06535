package dev.resnetserve.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resnetserve.support.Fixtures;
import java.time.Duration;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pixels decoding at once across requests: reserved after the header, before the raster, given back whatever
 * happens; a decode that does not fit is refused (503) rather than risking the heap. Concurrency is driven by
 * latches, never by sleeping.
 */
class DecodingBudgetTest {

    /** halves.png is 48x32 = 1536 pixels: the budget holds one such image, not two. */
    private static final ImageLimits LIMITS = new ImageLimits(2_000, 4_000);

    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void reservesAndGivesBack() {
        DecodingBudget budget = new DecodingBudget(1_000, Duration.ZERO);

        try (DecodingBudget.Lease lease = budget.lease()) {
            lease.reserve(600);
            assertThat(budget.available()).isEqualTo(400);
            lease.reserve(700); // only the difference: a JPEG handed from libjpeg-turbo to ImageIO
            assertThat(budget.available()).isEqualTo(300);
            lease.reserve(100);
            assertThat(lease.held()).isEqualTo(700);
        }
        assertThat(budget.available()).isEqualTo(1_000);
    }

    @Test
    void refusesWhatDoesNotFitOnceTheWaitIsOver() {
        DecodingBudget budget = new DecodingBudget(1_000, Duration.ofMillis(20));

        try (DecodingBudget.Lease first = budget.lease();
                DecodingBudget.Lease second = budget.lease()) {
            first.reserve(1_000);
            assertThatThrownBy(() -> second.reserve(1)).isInstanceOf(DecodingBusyException.class);
            assertThat(second.held()).isZero();
        }
        assertThat(budget.available()).isEqualTo(1_000);
    }

    @Test
    void aWaitingDecodeGetsInWhenAnotherGivesBack() throws Exception {
        DecodingBudget budget = new DecodingBudget(1_000, Duration.ofMinutes(5));
        DecodingBudget.Lease holder = budget.lease();
        holder.reserve(800);
        CountDownLatch waiting = new CountDownLatch(1);

        Future<Long> waiter = threads.submit(() -> {
            try (DecodingBudget.Lease lease = budget.lease()) {
                waiting.countDown();
                lease.reserve(500);
                return lease.held();
            }
        });
        waiting.await();
        holder.close();

        assertThat(waiter.get(1, TimeUnit.MINUTES)).isEqualTo(500);
        assertThat(budget.available()).isEqualTo(1_000);
    }

    @Test
    void oneImageAtThePixelLimitAlwaysFits() {
        assertThatThrownBy(() -> new ImageDecoder(
                        LIMITS, java.util.Optional.empty(), new DecodingBudget(LIMITS.maxPixels() - 1, Duration.ZERO)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one image");

        DecodingBudget budget = new DecodingBudget(LIMITS.maxPixels(), Duration.ZERO);
        try (DecodingBudget.Lease lease = budget.lease()) {
            lease.reserve(LIMITS.maxPixels());
            assertThat(budget.available()).isZero();
        }
    }

    @Test
    void aSecondConcurrentDecodeIsRefusedAndTheFirstCompletes() throws Exception {
        DecodingBudget budget = new DecodingBudget(LIMITS.maxPixels(), Duration.ZERO);
        ImageDecoder decoder = new ImageDecoder(LIMITS, java.util.Optional.empty(), budget);
        byte[] png = Fixtures.bytes("formats/halves.png");
        CountDownLatch reserved = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);

        // The first decode is held between its reservation and its pixels: a progress listener is not reachable
        // from outside, so a lease of the same size stands for it, on a thread of its own.
        Future<?> first = threads.submit(() -> {
            try (DecodingBudget.Lease lease = budget.lease()) {
                lease.reserve(48 * 32);
                reserved.countDown();
                finish.await();
            }
            return null;
        });
        reserved.await();

        assertThatThrownBy(() -> decoder.decode(png, AlphaMode.DROP, 0xFFFFFF))
                .isInstanceOf(DecodingBusyException.class);
        finish.countDown();
        first.get(1, TimeUnit.MINUTES);
        assertThat(decoder.decode(png, AlphaMode.DROP, 0xFFFFFF).width()).isEqualTo(48);
        assertThat(budget.available()).isEqualTo(LIMITS.maxPixels());
    }

    @Test
    void noPixelsLeakWhenADecodeFails() {
        DecodingBudget budget = new DecodingBudget(LIMITS.maxPixels(), Duration.ZERO);
        ImageDecoder decoder = new ImageDecoder(LIMITS, java.util.Optional.empty(), budget);
        byte[] png = Fixtures.bytes("formats/halves.png");
        byte[] truncated = Arrays.copyOf(png, png.length - 40); // header fine, pixels cut: fails after reserving

        assertThatThrownBy(() -> decoder.decode(truncated, AlphaMode.DROP, 0xFFFFFF))
                .isInstanceOf(InvalidImageException.class);
        assertThatThrownBy(() -> decoder.decode(Fixtures.pngDeclaring(3_000, 3_000), AlphaMode.DROP, 0xFFFFFF))
                .isInstanceOf(ImageTooLargeException.class);
        assertThatThrownBy(() -> decoder.decode(png, AlphaMode.DROP, 0xFFFFFF, OptionalLong.of(System.nanoTime() - 1)))
                .isInstanceOf(DecodeDeadlineExceededException.class);

        assertThat(budget.available()).isEqualTo(LIMITS.maxPixels());
        assertThat(decoder.decode(png, AlphaMode.DROP, 0xFFFFFF).width()).isEqualTo(48);
    }
}
