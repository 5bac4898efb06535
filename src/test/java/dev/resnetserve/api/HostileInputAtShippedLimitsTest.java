package dev.resnetserve.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.support.Fixtures;
import dev.resnetserve.support.HostileFiles;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The hostile corpus again, and the attacks of the security review, at the limits the service ships with (16 MiB
 * bodies, 40 MP images) rather than the test profile's: each is answered with its documented status, the resident
 * memory of the service grows less than 300 MB across all of them, and a normal image is classified right after.
 * The time each answer took is printed (README, Security, has the figures); the corpus test's 10 s request timeout
 * only catches a hang.
 */
@TestPropertySource(properties = {"resnet.limits.max-body-size=16MB", "resnet.limits.max-pixels=40000000"})
class HostileInputAtShippedLimitsTest extends HostileInputTest {

    private static final long RESIDENT_GROWTH_BOUND = 300L << 20;

    record Attack(String name, String path, String contentType, byte[] body, int status, String answerContains) {}

    @Test
    void theReviewedAttacksAreAnsweredAtOnceAndCostNoMemory() throws Exception {
        byte[] cat = Fixtures.bytes("parity/chelsea-small.jpg");
        byte[] gibibyte = HostileFiles.deflatedZeros(1L << 30);
        byte[] png = Fixtures.bytes("formats/halves.png");
        byte[] scanBomb = HostileFiles.repeatLastScanHeader(
                HostileFiles.declaring(Fixtures.bytes("parity/coffee-progressive.jpg"), 6000, 6000), 20_000);
        byte[] manyScans = HostileFiles.repeatLastScan(
                HostileFiles.declaring(Fixtures.bytes("parity/coffee-progressive.jpg"), 6000, 6000), 10);
        StringBuilder outputs = new StringBuilder();
        for (int i = 0; i < 200_000; i++) {
            outputs.append(i == 0 ? "" : ",").append("{\"name\":\"probabilities\"}");
        }
        byte[] manyOutputs = ("{\"inputs\":[{\"name\":\"image\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\""
                        + Base64.getEncoder().encodeToString(cat) + "\"]}],\"outputs\":[" + outputs + "]}")
                .getBytes(StandardCharsets.UTF_8);

        Attack[] attacks = {
            new Attack(
                    "PNG zTXt inflating to 1 GiB",
                    PARITY,
                    "image/png",
                    HostileFiles.withChunkBeforeIdat(png, HostileFiles.bomb("zTXt", gibibyte)),
                    200,
                    "predictions"),
            new Attack(
                    "PNG iTXt inflating to 1 GiB",
                    PARITY,
                    "image/png",
                    HostileFiles.withChunkBeforeIdat(png, HostileFiles.bomb("iTXt", gibibyte)),
                    200,
                    "predictions"),
            new Attack(
                    "PNG iCCP inflating to 1 GiB",
                    PARITY,
                    "image/png",
                    HostileFiles.withChunkBeforeIdat(png, HostileFiles.bomb("iCCP", gibibyte)),
                    200,
                    "predictions"),
            new Attack(
                    "progressive JPEG 6000x6000, last scan x20,000",
                    PARITY,
                    "image/jpeg",
                    scanBomb,
                    400,
                    "undecodable_image"),
            new Attack(
                    "progressive JPEG 6000x6000, 20 scans", PARITY, "image/jpeg", manyScans, 400, "undecodable_image"),
            new Attack(
                    "/v2 infer with 200,000 outputs",
                    "/v2/models/parity/infer",
                    "application/json",
                    manyOutputs,
                    400,
                    "at most 8"),
            new Attack(
                    "labels at file:/dev/zero",
                    "/v1/models",
                    "application/json",
                    "{\"name\":\"zero\",\"location\":\"classpath:models/demo\",\"labels\":\"file:/dev/zero\"}"
                            .getBytes(StandardCharsets.UTF_8),
                    400,
                    "location_not_allowed"),
            new Attack(
                    "labels through ../",
                    "/v1/models",
                    "application/json",
                    ("{\"name\":\"up\",\"location\":\"classpath:models/demo\","
                                    + "\"labels\":\"classpath:models/../application.yml\"}")
                            .getBytes(StandardCharsets.UTF_8),
                    400,
                    "location_not_allowed"),
        };
        assertThat(attacks[0].body().length)
                .as("the zTXt bomb is about a megabyte")
                .isLessThan(2 << 20);
        assertThat(scanBomb.length).as("the scan bomb is about a megabyte").isLessThan(2 << 20);
        send(PARITY, "image/jpeg", cat); // warm

        long residentBefore = residentBytes();
        Map<String, Long> millis = new LinkedHashMap<>();
        for (Attack attack : attacks) {
            long start = System.nanoTime();
            HttpResponse<String> response = send(attack.path(), attack.contentType(), attack.body());
            millis.put(attack.name(), (System.nanoTime() - start) / 1_000_000);
            assertThat(response.statusCode())
                    .as(attack.name() + ": " + response.body())
                    .isEqualTo(attack.status());
            assertThat(response.body()).as(attack.name()).contains(attack.answerContains());
        }
        long start = System.nanoTime();
        HttpResponse<String> normal = send(PARITY, "image/jpeg", cat);
        millis.put("a normal image right after", (System.nanoTime() - start) / 1_000_000);
        long residentGrowth = residentBytes() - residentBefore;

        millis.forEach((name, ms) -> System.out.printf("attack answered: %6d ms  %s%n", ms, name));
        System.out.printf("resident memory growth across the attacks: %d MB%n", residentGrowth >> 20);
        assertThat(normal.statusCode()).isEqualTo(200);
        assertThat(residentGrowth).as("resident memory growth").isLessThan(RESIDENT_GROWTH_BOUND);
        assertThat(registry.serves("zero")).isFalse();
    }

    /** This JVM's resident set (the service runs in it), from /proc. */
    private static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) << 10;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
