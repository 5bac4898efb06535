package dev.resnetserve.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.resnetserve.ResnetServeApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** On a machine without that GPU (this one has none), asking for it stops the start with a clear message. */
@ExtendWith(OutputCaptureExtension.class)
class MissingGpuStartupTest {

    @Test
    void aMissingGpuFailsTheStartAndSaysWhatToDo(CapturedOutput output) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(ResnetServeApplication.class)
                        .run("--server.port=0", "--resnet.models.demo.devices=gpu1")
                        .close())
                .hasRootCauseInstanceOf(dev.resnetserve.inference.DeviceUnavailableException.class);

        assertThat(output).contains("APPLICATION FAILED TO START", "model 'demo' asks for gpu1", "cpu-fallback=true");
    }

    @Test
    void withCpuFallbackTheModelRunsOnTheCpu() {
        try (var context = new SpringApplicationBuilder(ResnetServeApplication.class)
                .run(
                        "--server.port=0",
                        "--resnet.models.demo.devices=gpu0",
                        "--resnet.models.demo.cpu-fallback=true")) {
            assertThat(context.getBean(dev.resnetserve.inference.ModelRegistry.class)
                            .require("demo")
                            .devices())
                    .containsExactly("cpu");
        }
    }
}
