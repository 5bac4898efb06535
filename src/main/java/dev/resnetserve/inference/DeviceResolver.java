package dev.resnetserve.inference;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns configured device names ({@code cpu}, {@code gpu}, {@code gpu0}, {@code gpu1}, ...) into engine devices,
 * checking each GPU against what the engine sees. A missing GPU fails the start with a clear message, unless the
 * model allows falling back to the CPU.
 */
public final class DeviceResolver {

    private static final Logger log = LoggerFactory.getLogger(DeviceResolver.class);
    private static final Pattern NAME = Pattern.compile("cpu|gpu(\\d*)");

    private final GpuInventory gpus;

    public DeviceResolver(GpuInventory gpus) {
        this.gpus = gpus;
    }

    public List<Device> resolve(String model, List<String> names, boolean cpuFallback) {
        Set<Device> devices = new LinkedHashSet<>();
        int available = gpus.gpuCount();
        for (String name : names) {
            Matcher m = NAME.matcher(name.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new IllegalArgumentException(
                        "model '" + model + "': unknown device '" + name + "'; use cpu, gpu, gpu0, gpu1, ...");
            }
            if (m.group(1) == null) {
                devices.add(Device.cpu());
                continue;
            }
            int id = m.group(1).isEmpty() ? 0 : Integer.parseInt(m.group(1));
            if (id < available) {
                devices.add(Device.gpu(id));
            } else if (cpuFallback) {
                log.warn(
                        "model '{}' asks for {} but the engine sees {} GPU(s); running it on the CPU instead",
                        model,
                        name,
                        available);
                devices.add(Device.cpu());
            } else {
                throw new DeviceUnavailableException("model '" + model + "' asks for " + name + " but the PyTorch "
                        + "engine sees " + available + " GPU(s) on this machine (CPU natives, or no CUDA device). "
                        + "Use devices: [cpu], install the CUDA natives, or set cpu-fallback: true for this model.");
            }
        }
        return new ArrayList<>(devices);
    }

    /** {@code cpu}, {@code gpu0}, {@code gpu1}, ...: the names used in configuration, responses and metrics. */
    public static String displayName(Device device) {
        return device.isGpu() ? "gpu" + device.getDeviceId() : "cpu";
    }
}
