package dev.resnetserve.finetune;

import dev.resnetserve.inference.ModelSettings;
import dev.resnetserve.inference.SchedulingSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@value #FILE_NAME} beside a model in the repository: the per-model serving settings it was served with (a
 * fine-tuned model: its base's devices, workers, queue, batching, request timeout and CPU fallback), so that it comes
 * back with them after a restart and on other replicas. Its preprocessing is in the model directory's own
 * {@code resnet-serve.properties}. Read within {@value #MAX_BYTES} bytes, unknown fields refused, every value
 * checked by {@link ModelSettings}.
 */
final class ServingSettingsFile {

    static final String FILE_NAME = "serving.json";
    /** Far more than the settings need; a larger file is refused unread. */
    static final int MAX_BYTES = 16 * 1024;

    /** The settings as written, in the names of {@code POST /v1/models}; a null leaves a setting at its default. */
    record Settings(
            List<String> devices,
            Integer workers,
            Integer queueCapacity,
            Integer batchMaxSize,
            Long batchMaxDelayMs,
            Long requestTimeoutMs,
            Boolean cpuFallback) {

        static Settings of(SchedulingSpec scheduling) {
            return new Settings(
                    scheduling.devices(),
                    scheduling.workersDerived() ? null : scheduling.workers(), // derived again at each load
                    scheduling.queueCapacity(),
                    scheduling.batchMaxSize(),
                    scheduling.batchMaxDelay().toMillis(),
                    scheduling.requestTimeout().toMillis(),
                    scheduling.cpuFallback());
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ServingSettingsFile() {}

    /** Writes {@code scheduling} into {@code modelDirectory}. */
    static void write(Path modelDirectory, SchedulingSpec scheduling) throws IOException {
        Files.writeString(
                modelDirectory.resolve(FILE_NAME),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(Settings.of(scheduling)));
    }

    /**
     * The settings of the model in {@code modelDirectory}, version {@code version}: those of its {@value #FILE_NAME},
     * or every default when it has none.
     *
     * @throws IllegalArgumentException naming what is wrong with a file that is too large, not the JSON expected, or
     *                                  holds a value out of its bounds
     */
    static ModelSettings read(Path modelDirectory, String version) throws IOException {
        ModelSettings.Builder builder = ModelSettings.builder().version(version);
        Path file = modelDirectory.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return builder.build();
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException(FILE_NAME + " is larger than " + MAX_BYTES + " bytes");
        }
        Settings settings;
        try {
            settings = JSON.readValue(bytes, Settings.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(FILE_NAME + " is not the settings JSON: " + e.getOriginalMessage());
        }
        if (settings == null) {
            throw new IllegalArgumentException(FILE_NAME + " is empty");
        }
        return builder.devices(settings.devices())
                .workers(settings.workers())
                .queueCapacity(settings.queueCapacity())
                .batchMaxSize(settings.batchMaxSize())
                .batchMaxDelay(
                        settings.batchMaxDelayMs() == null ? null : Duration.ofMillis(settings.batchMaxDelayMs()))
                .requestTimeout(
                        settings.requestTimeoutMs() == null ? null : Duration.ofMillis(settings.requestTimeoutMs()))
                .cpuFallback(settings.cpuFallback())
                .build();
    }
}
