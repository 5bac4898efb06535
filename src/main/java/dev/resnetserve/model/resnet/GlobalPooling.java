package dev.resnetserve.model.resnet;

/** How a network pools its last stage's map into one value per channel, before the classifier. */
public enum GlobalPooling {
    /**
     * The mean over the map (the paper's and torchvision's ResNets; {@code resnet-demo-avg}): each position adds to
     * the logit, so a class activation map (Grad-CAM's) is exactly where the logit's evidence lies.
     */
    AVG,
    /**
     * The maximum over the map ({@code resnet-demo}): a small shape in a large frame is a few strong activations,
     * which a mean dilutes; the logit sees one position per channel.
     */
    MAX
}
