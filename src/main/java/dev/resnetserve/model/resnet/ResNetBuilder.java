package dev.resnetserve.model.resnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * Builds a {@link ResNetSpec} as DJL blocks, layer for layer as torchvision's {@code resnet.py} (v1.5: in a
 * bottleneck the stride sits on the 3x3 convolution; convolutions have no bias; projection shortcuts are a 1x1
 * convolution and batch norm where the shape changes).
 */
public final class ResNetBuilder {

    /** Children at the end of a built network after the last stage: global pooling, flattening, classifier. */
    public static final int HEAD_BLOCKS = 3;

    private ResNetBuilder() {}

    public static Block build(ResNetSpec spec) {
        SequentialBlock net = new SequentialBlock();
        switch (spec.stem()) {
            case IMAGENET ->
                net.add(conv(spec.stemWidth(), 7, 2))
                        .add(batchNorm())
                        .add(Activation.reluBlock())
                        .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
            case CIFAR -> net.add(conv(spec.stemWidth(), 3, 1)).add(batchNorm()).add(Activation.reluBlock());
            case SMALL -> net.add(conv(spec.stemWidth(), 3, 2)).add(batchNorm()).add(Activation.reluBlock());
        }
        int channels = spec.stemWidth();
        int[] widths = spec.widths();
        int[] blocks = spec.blocks();
        for (int stage = 0; stage < widths.length; stage++) {
            for (int b = 0; b < blocks[stage]; b++) {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                int out = widths[stage] * spec.block().expansion();
                net.add(unit(spec, channels, widths[stage], out, stride));
                channels = out;
            }
        }
        Block pool = spec.pooling() == GlobalPooling.MAX ? Pool.globalMaxPool2dBlock() : Pool.globalAvgPool2dBlock();
        return net.add(pool)
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(spec.classes()).build());
    }

    /**
     * The index, among the children of the block {@link #build} makes, of the last stage's first unit: children
     * before it are the stem and the earlier stages; from it on, the last stage, pooling, flattening and the
     * classifier (the last child).
     */
    public static int lastStageStart(ResNetSpec spec) {
        int stem = spec.stem() == Stem.IMAGENET ? 4 : 3;
        int units = 0;
        for (int stage = 0; stage < spec.blocks().length - 1; stage++) {
            units += spec.blocks()[stage];
        }
        return stem + units;
    }

    private static Block unit(ResNetSpec spec, int in, int width, int out, int stride) {
        SequentialBlock main = spec.block() == BlockType.BASIC
                ? new SequentialBlock()
                        .add(conv(width, 3, stride))
                        .add(batchNorm())
                        .add(Activation.reluBlock())
                        .add(conv(out, 3, 1))
                        .add(batchNorm())
                : new SequentialBlock()
                        .add(conv(width, 1, 1))
                        .add(batchNorm())
                        .add(Activation.reluBlock())
                        .add(conv(width, 3, stride))
                        .add(batchNorm())
                        .add(Activation.reluBlock())
                        .add(conv(out, 1, 1))
                        .add(batchNorm());
        if (!spec.residual()) {
            return main.add(Activation.reluBlock());
        }
        Block shortcut = stride != 1 || in != out
                ? new SequentialBlock().add(conv(out, 1, stride)).add(batchNorm())
                : Blocks.identityBlock();
        return new ParallelBlock(ResNetBuilder::addAndRelu, List.of(main, shortcut));
    }

    /** The residual join: ReLU(F(x) + shortcut(x)). */
    private static NDList addAndRelu(List<NDList> branches) {
        NDArray sum = branches.get(0).singletonOrThrow().add(branches.get(1).singletonOrThrow());
        return new NDList(Activation.relu(sum));
    }

    private static Block conv(int filters, int kernel, int stride) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .optBias(false)
                .build();
    }

    private static Block batchNorm() {
        return BatchNorm.builder().optEpsilon(1e-5f).optMomentum(0.9f).build();
    }
}
