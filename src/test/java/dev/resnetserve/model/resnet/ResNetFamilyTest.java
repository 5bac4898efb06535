package dev.resnetserve.model.resnet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Java family against torchvision: parameter counts to the unit, and a forward pass of every variant. */
class ResNetFamilyTest {

    @ParameterizedTest(name = "{0}: {1} parameters")
    @CsvSource({
        "resnet18, 11689512",
        "resnet34, 21797672",
        "resnet50, 25557032",
        "resnet101, 44549160",
        "resnet152, 60192808",
    })
    void imagenetVariantsHaveTorchvisionsParameterCounts(String name, long torchvision) {
        ResNetSpec spec = ResNetSpec.named(name, 0);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = ResNetBuilder.build(spec);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));

            assertThat(trainableParameters(block)).isEqualTo(torchvision);
            assertThat(Complexity.of(spec).parameters()).as("analytic count").isEqualTo(torchvision);
        }
    }

    @ParameterizedTest(name = "{0} at {1}x{1}")
    @CsvSource({
        "resnet18, 64, 1000",
        "resnet34, 64, 1000",
        "resnet50, 64, 1000",
        "resnet101, 64, 1000",
        "resnet152, 64, 1000",
        "resnet20, 32, 10",
        "resnet32, 32, 10",
        "resnet44, 32, 10",
        "resnet56, 32, 10",
        "plain-resnet18, 64, 1000",
        "plain-resnet20, 32, 10",
        "plain-resnet56, 32, 10",
        "resnet-demo, 128, 8",
        "resnet-demo-avg, 128, 8",
    })
    void everyVariantRunsForwardAtBatchOne(String name, int size, int classes) {
        ResNetSpec spec = ResNetSpec.named(name, 0);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = ResNetBuilder.build(spec);
            Shape input = new Shape(1, 3, size, size);
            block.initialize(manager, DataType.FLOAT32, input);
            NDList out =
                    block.forward(new ParameterStore(manager, false), new NDList(manager.randomNormal(input)), false);

            assertThat(out.singletonOrThrow().getShape()).isEqualTo(new Shape(1, classes));
            assertThat(trainableParameters(block)).isEqualTo(Complexity.of(spec).parameters());
        }
    }

    @ParameterizedTest(name = "{0}: {1} GFLOPs")
    @CsvSource({"resnet18, 1.81", "resnet34, 3.66", "resnet50, 4.09", "resnet101, 7.80", "resnet152, 11.51"})
    void multiplyAddsMatchTheModelCards(String name, double gflops) {
        assertThat(Complexity.of(ResNetSpec.named(name, 0)).gigaFlops())
                .isCloseTo(gflops, org.assertj.core.data.Offset.offset(0.02));
    }

    /**
     * {@code train --from} accepts a model whose network has the same weights: the demo's two poolings share every
     * layer; depth, width, classes or the skip connections do not.
     */
    @ParameterizedTest(name = "{0} and {1}: {2}")
    @CsvSource({
        "resnet-demo, resnet-demo-avg, true",
        "resnet-demo, resnet-demo, true",
        "resnet-demo, plain-resnet-demo, false",
        "resnet-demo, resnet18, false",
        "resnet20, resnet56, false",
    })
    void networksThatDifferInTheirPoolingOnlyHaveTheSameWeights(String a, String b, boolean same) {
        ResNetSpec first = ResNetSpec.named(a, 8).withInputSize(64);
        ResNetSpec second = ResNetSpec.named(b, 8);
        assertThat(first.sameWeightsAs(second)).isEqualTo(same);
        assertThat(second.sameWeightsAs(first)).isEqualTo(same);
        assertThat(first.sameWeightsAs(second.withClasses(4))).isFalse();
        if (same) {
            try (NDManager manager = NDManager.newBaseManager()) {
                Block one = ResNetBuilder.build(first);
                Block two = ResNetBuilder.build(second);
                one.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
                two.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
                var shapes = two.getParameters().stream()
                        .map(p -> p.getValue().getArray().getShape())
                        .toList();
                assertThat(one.getParameters().stream()
                                .map(p -> p.getValue().getArray().getShape())
                                .toList())
                        .isEqualTo(shapes);
            }
        }
    }

    private static long trainableParameters(Block block) {
        long total = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                total += p.getValue().getArray().size();
            }
        }
        return total;
    }
}
