package dev.resnetserve.model.resnet;

/** The residual unit a network is built from. */
public enum BlockType {
    /** Two 3x3 convolutions (ResNet-18/34 and the CIFAR nets). */
    BASIC(1),
    /** 1x1 reduce, 3x3, 1x1 expand by 4 (ResNet-50/101/152). */
    BOTTLENECK(4);

    private final int expansion;

    BlockType(int expansion) {
        this.expansion = expansion;
    }

    public int expansion() {
        return expansion;
    }
}
