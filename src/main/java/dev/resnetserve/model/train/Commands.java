package dev.resnetserve.model.train;

import dev.resnetserve.model.resnet.Complexity;
import dev.resnetserve.model.resnet.ResNetSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The command-line tools beside the server: {@code train}, {@code describe} and {@code generate}. */
public final class Commands {

    private static final List<String> NAMES = List.of("train", "describe", "generate");

    private Commands() {
    }

    public static boolean isCommand(String first) {
        return NAMES.contains(first);
    }

    public static int run(String[] args, PrintStream out) throws Exception {
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "train" -> {
                java.util.OptionalInt child = IsaCap.relaunchIfNeeded(out);
                yield child.isPresent() ? child.getAsInt() : new TrainCommand(out).run(options(rest));
            }
            case "describe" -> describe(rest.length == 0 ? ResNetSpec.NAMES.toArray(String[]::new) : rest, out);
            case "generate" -> generate(options(rest), out);
            default -> throw new IllegalArgumentException(args[0]);
        };
    }

    /** {@code describe resnet18 resnet50 ...}: name, block type, layers, parameters, GFLOPs at the input size. */
    static int describe(String[] names, PrintStream out) {
        out.printf(Locale.ROOT, "%-20s %-10s %-6s %-16s %14s %9s %s%n", "name", "block", "layers", "blocks/stage",
                "parameters", "GFLOPs", "input");
        for (String name : names) {
            ResNetSpec spec = ResNetSpec.named(name, 0);
            Complexity c = Complexity.of(spec);
            out.printf(Locale.ROOT, "%-20s %-10s %-6d %-16s %,14d %9.3f %dx%d%n", spec.name(),
                    spec.block().name().toLowerCase(Locale.ROOT), spec.depth(), Arrays.toString(spec.blocks()),
                    c.parameters(), c.gigaFlops(), spec.inputSize(), spec.inputSize());
        }
        out.println("GFLOPs count multiply-adds, as the ResNet paper and torchvision do.");
        return 0;
    }

    /** {@code generate --count 80 --seed 7 --out shapes/}: writes labelled sample images, label in the name. */
    static int generate(Map<String, String> options, PrintStream out) throws IOException {
        int count = Integer.parseInt(options.getOrDefault("count", "80"));
        long seed = Long.parseLong(options.getOrDefault("seed", "7"));
        Path dir = Path.of(options.getOrDefault("out", "shapes"));
        Files.createDirectories(dir);
        ShapeGenerator generator = new ShapeGenerator(seed);
        for (int i = 0; i < count; i++) {
            ShapeGenerator.Sample s = generator.sample(i);
            Files.write(dir.resolve(String.format(Locale.ROOT, "%05d-%s.%s", i,
                    ShapeGenerator.CLASSES.get(s.label()), s.format())), s.encoded());
        }
        out.println("wrote " + count + " images to " + dir.toAbsolutePath());
        return 0;
    }

    public static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value pairs, got '" + args[i] + "'");
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }
}
