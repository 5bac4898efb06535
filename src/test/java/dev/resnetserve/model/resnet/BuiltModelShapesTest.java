package dev.resnetserve.model.resnet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The built networks, walked block by block at 224x224: each stage's output shape is torchvision's (so the strides
 * sit where torchvision puts them), and the multiply-adds counted on the built convolutions and linear layer match
 * torchvision's model cards, independently of the analytic {@link Complexity}.
 */
class BuiltModelShapesTest {

    /** What a walk over the built block saw: every residual unit's output, and the multiply-adds. */
    private static final class Walk {
        final List<Shape> unitOutputs = new ArrayList<>();
        long multiplyAdds;
    }

    @ParameterizedTest(name = "{0}: {1} GFLOPs")
    @CsvSource({
        "resnet18, 1.81, 1",
        "resnet34, 3.66, 1",
        "resnet50, 4.09, 4",
        "resnet101, 7.80, 4",
        "resnet152, 11.51, 4"
    })
    void stagesHaveTorchvisionsShapesAndTheBuiltModelItsFlops(String name, double gflops, int expansion) {
        Walk walk = walk(ResNetSpec.named(name, 0), 224);

        assertThat(walk.multiplyAdds / 1e9)
                .as("multiply-adds counted on the built model")
                .isCloseTo(gflops, org.assertj.core.data.Offset.offset(0.02));
        assertThat(stageOutputs(walk))
                .containsExactly(
                        new Shape(1, 64 * expansion, 56, 56),
                        new Shape(1, 128 * expansion, 28, 28),
                        new Shape(1, 256 * expansion, 14, 14),
                        new Shape(1, 512 * expansion, 7, 7));
    }

    @Test
    void theCifarNetsHalveTheMapTwice() {
        Walk walk = walk(ResNetSpec.named("resnet56", 0), 32);

        assertThat(stageOutputs(walk))
                .containsExactly(new Shape(1, 16, 32, 32), new Shape(1, 32, 16, 16), new Shape(1, 64, 8, 8));
        assertThat(walk.unitOutputs).hasSize(27);
    }

    /** The last unit's output before each change of shape, and the very last: one per stage. */
    private static List<Shape> stageOutputs(Walk walk) {
        List<Shape> stages = new ArrayList<>();
        for (int i = 0; i < walk.unitOutputs.size(); i++) {
            boolean last = i == walk.unitOutputs.size() - 1;
            if (last || !walk.unitOutputs.get(i + 1).equals(walk.unitOutputs.get(i))) {
                stages.add(walk.unitOutputs.get(i));
            }
        }
        return stages;
    }

    private static Walk walk(ResNetSpec spec, int size) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = ResNetBuilder.build(spec);
            Shape input = new Shape(1, 3, size, size);
            block.initialize(manager, DataType.FLOAT32, input);
            Walk walk = new Walk();
            visit(block, input, walk);
            return walk;
        }
    }

    /** The block's output shape for {@code input}, adding what it multiplies and recording each unit's output. */
    private static Shape visit(Block block, Shape input, Walk walk) {
        if (block instanceof SequentialBlock sequence) {
            Shape shape = input;
            for (Block child : sequence.getChildren().values()) {
                shape = visit(child, shape, walk);
            }
            return shape;
        }
        if (block instanceof ParallelBlock parallel) {
            Shape main = null;
            for (Block branch : parallel.getChildren().values()) {
                Shape out = visit(branch, input, walk);
                main = main == null ? out : main;
            }
            walk.unitOutputs.add(main);
            return main;
        }
        Shape output = block.getOutputShapes(new Shape[] {input})[0];
        if (block instanceof Convolution conv) {
            long perOutput =
                    input.get(1) / conv.getGroups() * conv.getKernelShape().size();
            walk.multiplyAdds += output.size() * perOutput;
        } else if (block instanceof Linear) {
            walk.multiplyAdds += input.get(1) * output.get(1);
        }
        return output;
    }
}
