package dev.resnetserve.model.resnet;

/** The layers before the first residual stage. */
public enum Stem {
    /** 7x7/2 convolution to 64 channels and 3x3/2 max pooling: ImageNet ResNets, input /4. */
    IMAGENET,
    /** 3x3/1 convolution: the CIFAR ResNets of He et al. section 4.2, input kept at 32x32. */
    CIFAR,
    /** 3x3/2 convolution: small images, input /2. */
    SMALL
}
