package dev.resnetserve.finetune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resnetserve.inference.ModelSettings;
import dev.resnetserve.inference.SchedulingSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings a model in the repository keeps: written, read back, and refused when they cannot be used. */
class ServingSettingsFileTest {

    @TempDir
    Path model;

    @Test
    void settingsComeBackAsWritten() throws IOException {
        SchedulingSpec served =
                new SchedulingSpec(List.of("cpu"), 3, 17, 5, Duration.ofMillis(7), Duration.ofSeconds(9), true, false);
        ServingSettingsFile.write(model, served);
        ModelSettings read = ServingSettingsFile.read(model, "4");
        assertThat(read.scheduling()).isEqualTo(served);
        assertThat(read.version()).isEqualTo("4");
    }

    @Test
    void derivedWorkersAreNotWrittenSoTheyAreDerivedAgainAtTheNextLoad() throws IOException {
        SchedulingSpec derived = ModelSettings.builder().cores(3).build().scheduling();
        assertThat(derived.workersDerived()).isTrue();
        ServingSettingsFile.write(model, derived);

        assertThat(Files.readString(model.resolve(ServingSettingsFile.FILE_NAME)))
                .doesNotContainPattern("\"workers\"\\s*:\\s*\\d");
        SchedulingSpec read = ServingSettingsFile.read(model, "1").scheduling();
        assertThat(read.workersDerived()).as("read back as not set").isTrue();
    }

    @Test
    void noFileMeansTheDefaults() throws IOException {
        assertThat(ServingSettingsFile.read(model, "1").scheduling())
                .isEqualTo(ModelSettings.builder().build().scheduling());
    }

    @Test
    void unusableFilesAreRefusedNamingWhy() throws IOException {
        assertRefused("{\"workers\": 2" + " ".repeat(ServingSettingsFile.MAX_BYTES) + "}", "larger than");
        assertRefused("{\"workers\": ", "not the settings JSON");
        assertRefused("{\"workers\": \"many\"}", "not the settings JSON");
        assertRefused("{\"workers\": 2, \"shell\": \"rm -rf /\"}", "not the settings JSON");
        assertRefused("{\"workers\": 1000}", "workers must be 1 to 64");
        assertRefused("{\"batchMaxSize\": 0}", "batchMaxSize");
        assertRefused("{\"devices\": [\"tpu\"]}", "devices");
        assertRefused("{\"requestTimeoutMs\": -5}", "requestTimeout");
        assertRefused("null", "empty");
    }

    private void assertRefused(String content, String reason) throws IOException {
        Files.writeString(model.resolve(ServingSettingsFile.FILE_NAME), content);
        assertThatThrownBy(() -> ServingSettingsFile.read(model, "1"))
                .as(content.strip())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }
}
