package dev.resnetserve.model;

/** How the model's weights are stored. */
public enum ModelFormat {
    /** A TorchScript module ({@code torch.jit.save}), the usual export of a PyTorch model. */
    TORCHSCRIPT,
    /** Parameters of a network from this project's Java ResNet family, described by resnet-serve.properties. */
    DJL_RESNET,
    /** A model fetched through a DJL model-zoo or remote URL; its format is whatever the artifact holds. */
    DJL_URL
}
