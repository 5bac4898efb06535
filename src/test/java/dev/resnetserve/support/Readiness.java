package dev.resnetserve.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.resnetserve.inference.ModelRegistry;

/** Waits for every model to be loaded and warmed up; a start-up wait, not a timing assertion. */
public final class Readiness {

    private Readiness() {}

    public static void await(ModelRegistry registry) throws InterruptedException {
        for (int i = 0; i < 600 && !registry.allReady(); i++) {
            Thread.sleep(100);
        }
        assertThat(registry.allReady()).as("all models ready within a minute").isTrue();
    }
}
