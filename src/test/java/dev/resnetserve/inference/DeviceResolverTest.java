package dev.resnetserve.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Device names against the GPUs the engine sees, without a GPU: the inventory is a stand-in. */
class DeviceResolverTest {

    @Test
    void cpuNeedsNoGpu() {
        assertThat(new DeviceResolver(() -> 0).resolve("m", List.of("cpu"), false))
                .containsExactly(Device.cpu());
    }

    @Test
    void gpuNamesMapToDeviceIds() {
        DeviceResolver twoGpus = new DeviceResolver(() -> 2);

        assertThat(twoGpus.resolve("m", List.of("gpu0", "gpu1", "cpu"), false))
                .containsExactly(Device.gpu(0), Device.gpu(1), Device.cpu());
        assertThat(twoGpus.resolve("m", List.of("gpu", "gpu0"), false))
                .as("gpu is gpu0, listed once")
                .containsExactly(Device.gpu(0));
    }

    @Test
    void aMissingGpuFailsWithAClearMessage() {
        DeviceResolver oneGpu = new DeviceResolver(() -> 1);

        assertThatThrownBy(() -> oneGpu.resolve("resnet50", List.of("gpu0", "gpu1"), false))
                .isInstanceOf(DeviceUnavailableException.class)
                .hasMessageContaining("'resnet50' asks for gpu1")
                .hasMessageContaining("sees 1 GPU(s)")
                .hasMessageContaining("cpu-fallback");
    }

    @Test
    void cpuFallbackReplacesMissingGpus() {
        DeviceResolver noGpu = new DeviceResolver(() -> 0);

        assertThat(noGpu.resolve("m", List.of("gpu0", "gpu1"), true)).containsExactly(Device.cpu());
    }

    @Test
    void unknownDeviceNamesAreRefused() {
        assertThatThrownBy(() -> new DeviceResolver(() -> 0).resolve("m", List.of("tpu0"), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown device 'tpu0'");
    }

    @Test
    void displayNamesAreTheConfiguredOnes() {
        assertThat(DeviceResolver.displayName(Device.gpu(3))).isEqualTo("gpu3");
        assertThat(DeviceResolver.displayName(Device.cpu())).isEqualTo("cpu");
    }
}
