package dev.resnetserve.model.train;

import dev.resnetserve.model.resnet.Complexity;
import dev.resnetserve.model.resnet.ResNetSpec;
import dev.resnetserve.preprocess.PreprocessingSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The command-line tools beside the server: {@code train}, {@code describe}, {@code generate} and
 * {@code fine-tune}, and {@code experiment transfer}, {@code experiment degradation} and {@code experiment
 * localisation}.
 */
public final class Commands {

    private static final List<String> NAMES = List.of("train", "describe", "generate", "fine-tune", "experiment");

    private Commands() {}

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
            case "fine-tune" -> {
                java.util.OptionalInt child = IsaCap.relaunchIfNeeded(out);
                yield child.isPresent() ? child.getAsInt() : new FineTuneCommand(out).run(options(rest));
            }
            case "experiment" -> {
                if (rest.length == 0
                        || !List.of("transfer", "degradation", "localisation").contains(rest[0])) {
                    throw new IllegalArgumentException("experiments: transfer, degradation, localisation");
                }
                java.util.OptionalInt child = IsaCap.relaunchIfNeeded(out);
                if (child.isPresent()) {
                    yield child.getAsInt();
                }
                String[] experimentArgs = Arrays.copyOfRange(rest, 1, rest.length);
                yield switch (rest[0]) {
                    case "transfer" -> new TransferExperiment(out).run(options(experimentArgs));
                    case "localisation" -> new LocalisationExperiment(out).run(options(experimentArgs));
                    default -> new DegradationExperiment(out).run(options(flags(experimentArgs)));
                };
            }
            default -> throw new IllegalArgumentException(args[0]);
        };
    }

    /** {@code describe resnet18 resnet50 ...}: name, block type, layers, parameters, GFLOPs at the input size. */
    static int describe(String[] names, PrintStream out) {
        out.printf(
                Locale.ROOT,
                "%-20s %-10s %-6s %-16s %14s %9s %s%n",
                "name",
                "block",
                "layers",
                "blocks/stage",
                "parameters",
                "GFLOPs",
                "input");
        for (String name : names) {
            ResNetSpec spec = ResNetSpec.named(name, 0);
            Complexity c = Complexity.of(spec);
            out.printf(
                    Locale.ROOT,
                    "%-20s %-10s %-6d %-16s %,14d %9.3f %dx%d%n",
                    spec.name(),
                    spec.block().name().toLowerCase(Locale.ROOT),
                    spec.depth(),
                    Arrays.toString(spec.blocks()),
                    c.parameters(),
                    c.gigaFlops(),
                    spec.inputSize(),
                    spec.inputSize());
        }
        out.println("GFLOPs count multiply-adds, as the ResNet paper and torchvision do.");
        return 0;
    }

    /**
     * {@code generate --count 80 --seed 7 --out shapes/ [--square SIZE] [--input SIZE] [--plain true]}: writes labelled sample
     * images, label in the name. {@code --square SIZE}: the training curriculum's square SIZE x SIZE canvases
     * ({@code train}'s warm-up set is seed + 3 at the input size) instead of the full distribution. {@code --input
     * SIZE}: instead of the encoded JPEG/PNG, the SIZE x SIZE model input the trainer makes of it (decoded and
     * fitted with {@code PreprocessingSpec.wholeImage(SIZE)}, before normalisation) as a lossless PNG, so that
     * another program can train on exactly the pixels {@code train} uses. {@code --classes novel} (or a comma-separated
     * list of shape names): other shapes than the demo's eight; {@code --folders true}: ImageFolder layout,
     * {@code <label>/<file>}, as {@code fine-tune} reads it. {@code --plain true} (with {@code --square}): the
     * degradation experiment's plain data ({@link ShapeGenerator#plainSample}).
     */
    static int generate(Map<String, String> options, PrintStream out) throws IOException {
        int count = Integer.parseInt(options.getOrDefault("count", "80"));
        long seed = Long.parseLong(options.getOrDefault("seed", "7"));
        Path dir = Path.of(options.getOrDefault("out", "shapes"));
        int square = Integer.parseInt(options.getOrDefault("square", "0"));
        int input = Integer.parseInt(options.getOrDefault("input", "0"));
        Files.createDirectories(dir);
        String classes = options.getOrDefault("classes", "demo");
        boolean folders = Boolean.parseBoolean(options.getOrDefault("folders", "false"));
        boolean plain = Boolean.parseBoolean(options.getOrDefault("plain", "false"));
        if (plain && square <= 0) {
            throw new IllegalArgumentException("--plain true draws on square canvases: give --square SIZE");
        }
        ShapeGenerator generator = new ShapeGenerator(
                seed,
                switch (classes) {
                    case "demo" -> ShapeGenerator.CLASSES;
                    case "novel" -> ShapeGenerator.NOVEL_CLASSES;
                    default -> List.of(classes.split(","));
                });
        PreprocessingSpec fit = input > 0 ? PreprocessingSpec.wholeImage(input) : null;
        dev.resnetserve.preprocess.ImageDecoder decoder = TrainCommand.decoder();
        for (int i = 0; i < count; i++) {
            ShapeGenerator.Sample s = plain
                    ? generator.plainSample(i, square)
                    : square > 0 ? generator.squareSample(i, square) : generator.sample(i);
            String label = generator.classes().get(s.label());
            String name = String.format(Locale.ROOT, "%05d-%s.", i, label);
            Path folder = folders ? Files.createDirectories(dir.resolve(label)) : dir;
            if (fit == null) {
                Files.write(folder.resolve(name + s.format()), s.encoded());
            } else {
                Files.write(folder.resolve(name + "png"), png(TrainCommand.fit(decoder, s, fit), input, input));
            }
        }
        out.println("wrote " + count + " images to " + dir.toAbsolutePath());
        return 0;
    }

    private static byte[] png(byte[] rgb, int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = (y * width + x) * 3;
                image.setRGB(x, y, (rgb[p] & 0xFF) << 16 | (rgb[p + 1] & 0xFF) << 8 | (rgb[p + 2] & 0xFF));
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image, "png", bytes);
        return bytes.toByteArray();
    }

    /** {@code --quick} alone means {@code --quick true}. */
    static String[] flags(String[] args) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            out.add(args[i]);
            if (args[i].equals("--quick") && (i + 1 == args.length || args[i + 1].startsWith("--"))) {
                out.add("true");
            }
        }
        return out.toArray(String[]::new);
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
