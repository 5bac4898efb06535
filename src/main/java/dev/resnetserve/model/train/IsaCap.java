package dev.resnetserve.model.train;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Training runs with oneDNN capped at AVX2 ({@code DNNL_MAX_CPU_ISA=AVX2}). On an AVX-512 CPU (AMD EPYC family 26,
 * Zen 5, where this was found) the oneDNN convolution kernels that libtorch 2.7.1 picks for some shapes return wrong,
 * run-to-run different and sometimes NaN input gradients: the stem and first stage of resnet-demo got gradients off
 * by up to 85 % (TrainerParityTest; forward outputs were right). oneDNN reads the variable once, when it first runs,
 * so it cannot be set from inside the JVM: the train command starts itself again with it. Setting the variable
 * yourself (any value, e.g. {@code AVX512_CORE} to accept the risk) skips the relaunch.
 */
final class IsaCap {

    static final String VARIABLE = "DNNL_MAX_CPU_ISA";

    private IsaCap() {}

    /** The exit code of the relaunched trainer, or empty when this JVM may train (variable set, or no relaunch). */
    static OptionalInt relaunchIfNeeded(PrintStream out) throws Exception {
        if (System.getenv(VARIABLE) != null) {
            return OptionalInt.empty();
        }
        ProcessHandle.Info info = ProcessHandle.current().info();
        Optional<String> command = info.command();
        Optional<String[]> arguments = info.arguments();
        if (command.isEmpty() || arguments.isEmpty()) {
            out.println("warning: " + VARIABLE + " is not set and this JVM's command line is unknown: training with "
                    + "oneDNN's AVX-512 kernels, whose convolution gradients are wrong on some CPUs. Set "
                    + VARIABLE + "=AVX2.");
            return OptionalInt.empty();
        }
        List<String> line = new ArrayList<>();
        line.add(command.get());
        line.addAll(List.of(arguments.get()));
        out.println("relaunching with " + VARIABLE + "=AVX2 (oneDNN's AVX-512 convolution gradients are wrong on "
                + "some CPUs; see docs/demo-model.md)");
        ProcessBuilder builder = new ProcessBuilder(line).inheritIO();
        builder.environment().put(VARIABLE, "AVX2");
        return OptionalInt.of(builder.start().waitFor());
    }
}
