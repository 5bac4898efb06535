package dev.resnetserve.model.resnet;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A member of the ResNet family: stem, block type, channel width and block count per stage, classes, input size,
 * whether blocks have skip connections ({@code residual = false}: the "plain" twin of He et al. section 4.1), and
 * the global pooling before the classifier.
 */
public record ResNetSpec(
        String name,
        Stem stem,
        BlockType block,
        int[] widths,
        int[] blocks,
        int stemWidth,
        int classes,
        int inputSize,
        boolean residual,
        GlobalPooling pooling) {

    public ResNetSpec {
        if (widths.length != blocks.length || widths.length == 0) {
            throw new IllegalArgumentException("one width per stage, and at least one stage");
        }
        java.util.Objects.requireNonNull(pooling, "pooling");
        widths = widths.clone();
        blocks = blocks.clone();
    }

    public static final List<String> NAMES = List.of(
            "resnet18",
            "resnet34",
            "resnet50",
            "resnet101",
            "resnet152",
            "resnet20",
            "resnet32",
            "resnet44",
            "resnet56",
            "resnet-demo",
            "resnet-demo-avg");

    /** The named variant; {@code plain-} before any name gives its twin without skip connections. */
    public static ResNetSpec named(String name, int classes) {
        String lower = name.toLowerCase(Locale.ROOT);
        boolean plain = lower.startsWith("plain-");
        String base = plain ? lower.substring("plain-".length()) : lower;
        ResNetSpec spec = switch (base) {
            case "resnet18" -> imagenet(base, BlockType.BASIC, 2, 2, 2, 2);
            case "resnet34" -> imagenet(base, BlockType.BASIC, 3, 4, 6, 3);
            case "resnet50" -> imagenet(base, BlockType.BOTTLENECK, 3, 4, 6, 3);
            case "resnet101" -> imagenet(base, BlockType.BOTTLENECK, 3, 4, 23, 3);
            case "resnet152" -> imagenet(base, BlockType.BOTTLENECK, 3, 8, 36, 3);
            case "resnet20", "resnet32", "resnet44", "resnet56", "resnet110" -> cifar(base);
            case "resnet-demo", "resnet-demo-avg" ->
                new ResNetSpec(
                        base,
                        Stem.SMALL,
                        BlockType.BASIC,
                        new int[] {16, 32, 64, 128},
                        new int[] {1, 1, 1, 1},
                        16,
                        8,
                        128,
                        true,
                        base.equals("resnet-demo") ? GlobalPooling.MAX : GlobalPooling.AVG);
            default ->
                throw new IllegalArgumentException(
                        "unknown architecture '" + name + "'; known: " + NAMES + " (and plain- twins)");
        };
        ResNetSpec sized = classes > 0 ? spec.withClasses(classes) : spec;
        return plain ? sized.plain() : sized;
    }

    private static ResNetSpec imagenet(String name, BlockType block, int... blocks) {
        return new ResNetSpec(
                name,
                Stem.IMAGENET,
                block,
                new int[] {64, 128, 256, 512},
                blocks,
                64,
                1000,
                224,
                true,
                GlobalPooling.AVG);
    }

    private static ResNetSpec cifar(String name) {
        int depth = Integer.parseInt(name.substring("resnet".length()));
        int n = (depth - 2) / 6;
        return new ResNetSpec(
                name,
                Stem.CIFAR,
                BlockType.BASIC,
                new int[] {16, 32, 64},
                new int[] {n, n, n},
                16,
                10,
                32,
                true,
                GlobalPooling.AVG);
    }

    public ResNetSpec withClasses(int count) {
        return new ResNetSpec(name, stem, block, widths, blocks, stemWidth, count, inputSize, residual, pooling);
    }

    public ResNetSpec withInputSize(int size) {
        return new ResNetSpec(name, stem, block, widths, blocks, stemWidth, classes, size, residual, pooling);
    }

    public ResNetSpec plain() {
        return new ResNetSpec(
                "plain-" + name, stem, block, widths, blocks, stemWidth, classes, inputSize, false, pooling);
    }

    /**
     * Whether a network of this spec has the same weights, shape for shape, as one of {@code other}: every layer
     * alike, the name, input size and global pooling (which has no weights) free to differ.
     */
    public boolean sameWeightsAs(ResNetSpec other) {
        return stem == other.stem
                && block == other.block
                && Arrays.equals(widths, other.widths)
                && Arrays.equals(blocks, other.blocks)
                && stemWidth == other.stemWidth
                && classes == other.classes
                && residual == other.residual;
    }

    /** Weighted layers: convolutions on the main path plus the classifier, as the paper counts depth. */
    public int depth() {
        int perBlock = block == BlockType.BASIC ? 2 : 3;
        return 1 + Arrays.stream(blocks).sum() * perBlock + 1;
    }

    @Override
    public int[] widths() {
        return widths.clone();
    }

    @Override
    public int[] blocks() {
        return blocks.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResNetSpec s
                && name.equals(s.name)
                && stem == s.stem
                && block == s.block
                && Arrays.equals(widths, s.widths)
                && Arrays.equals(blocks, s.blocks)
                && stemWidth == s.stemWidth
                && classes == s.classes
                && inputSize == s.inputSize
                && residual == s.residual
                && pooling == s.pooling;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(blocks);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(blocks) + "x" + block + (residual ? "" : " (plain)");
    }
}
