package dev.resnetserve.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.inference.ModelRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Waits for models to be loaded and warmed up, and for traffic to be answered: waits, not timing assertions. */
public final class Readiness {

    private Readiness() {}

    public static void await(ModelRegistry registry) throws InterruptedException {
        for (int i = 0; i < 600 && !registry.allReady(); i++) {
            Thread.sleep(100);
        }
        assertThat(registry.allReady()).as("all models ready within a minute").isTrue();
    }

    /** Waits until {@code GET /v1/models/{name}/versions/{version}} reports {@code state} (at most a minute). */
    public static void awaitVersionState(ApiClient client, String name, String version, String state)
            throws InterruptedException {
        String path = "/v1/models/" + name + "/versions/" + version;
        for (int i = 0;
                i < 600 && !state.equals(client.get(path).json().get("state").asString());
                i++) {
            Thread.sleep(100); // waits for background loading; nothing is timed
        }
        assertThat(client.get(path).json().get("state").asString()).isEqualTo(state);
    }

    /** Waits until client loops have counted at least {@code count} answers under {@code key} (at most a minute). */
    public static void awaitAnswers(Map<String, AtomicLong> answers, String key, long count)
            throws InterruptedException {
        for (int i = 0; i < 1200 && answers.getOrDefault(key, new AtomicLong()).get() < count; i++) {
            Thread.sleep(50); // waits for answers; nothing is timed
        }
        assertThat(answers.getOrDefault(key, new AtomicLong()).get())
                .as("answers %s", answers)
                .isGreaterThanOrEqualTo(count);
    }
}
