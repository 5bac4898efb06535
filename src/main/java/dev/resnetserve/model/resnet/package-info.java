/**
 * The Residual Network family written on DJL's blocks with torchvision's exact shapes: ResNet-18/34 (basic
 * blocks) and 50/101/152 (bottleneck blocks), the CIFAR ResNet-20..56, and a plain twin of each without skip
 * connections; parameter and FLOP counts.
 */
package dev.resnetserve.model.resnet;
