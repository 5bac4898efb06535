package dev.resnetserve.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Fine-tuning jobs seen from a test: their end, and a repository directory for the models they write. */
public final class Jobs {

    private Jobs() {}

    /** Polls {@code GET location} until the job has ended (at most two minutes): a wait, not a timing assertion. */
    public static JsonNode awaitEnd(ApiClient client, String location) throws InterruptedException {
        JsonNode job = client.get(location).json();
        for (int i = 0;
                i < 1200
                        && List.of("QUEUED", "RUNNING")
                                .contains(job.get("state").asString());
                i++) {
            Thread.sleep(100);
            job = client.get(location).json();
        }
        return job;
    }

    /** A fresh temporary directory, e.g. for {@code resnet.model-repository}. */
    public static Path temporaryDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
