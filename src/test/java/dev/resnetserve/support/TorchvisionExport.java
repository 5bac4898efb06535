package dev.resnetserve.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The README's recipe for a fine-tunable TorchScript base, run by Debian's torch: {@code scripts/export-torchvision.py}
 * scripts a torchvision ResNet-18 with random weights from seed 7 (no download) and its {@code features} method.
 */
public final class TorchvisionExport {

    private TorchvisionExport() {}

    /** Writes the module to {@code file} unless it is there already. */
    public static synchronized void resnet18(Path file) {
        if (Files.isRegularFile(file)) {
            return;
        }
        try {
            Process python = new ProcessBuilder(
                            "/usr/bin/python3",
                            "scripts/export-torchvision.py",
                            "--arch",
                            "resnet18",
                            "--seed",
                            "7",
                            "--classes",
                            "10",
                            "--out",
                            file.toString())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(python.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(python.exitValue()).as(output).isZero();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
