package dev.resnetserve.model.resnet;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A model fine-tuned from a TorchScript torchvision ResNet: the frozen TorchScript module's features, then a linear
 * classifier trained here. Two children, in that order (fine-tuning trains the last); the parameters file holds the
 * classifier's, the module stays in its own file beside it.
 */
public final class TorchScriptHead extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Block features;
    private final Block classifier;

    public TorchScriptHead(TorchScriptFeatures features, int classes) {
        super(VERSION);
        this.features = addChildBlock("features", features);
        this.classifier =
                addChildBlock("classifier", Linear.builder().setUnits(classes).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        return classifier.forward(
                parameterStore, features.forward(parameterStore, inputs, training, params), training, params);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return classifier.getOutputShapes(features.getOutputShapes(inputShapes));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        features.initialize(manager, dataType, inputShapes);
        classifier.initialize(manager, dataType, features.getOutputShapes(inputShapes));
    }
}
