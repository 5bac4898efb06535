package dev.resnetserve.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.util.PairList;
import dev.resnetserve.model.resnet.ResNetBuilder;
import java.util.List;

/**
 * An L1 penalty on the last residual stage's activations while training ({@code train --activation-penalty W}):
 * the loss is softmax cross-entropy plus {@code W} times the stage's mean activation (after its ReLU, so the mean
 * is the L1 norm over the map's size). Behind global max pooling only each channel's maximum reaches the logits,
 * and nothing else in the network keeps the rest of the map quiet; a class activation map (Grad-CAM's) draws every
 * position of every channel, so a weak response spread over the background becomes part of the map. The penalty
 * asks the network to keep its last stage silent where it does not need it (docs/explain.md, "Grad-CAM and the
 * demo's pooling").
 *
 * <p>The network trains inside {@link Net}, which runs the built network's children in order and, in training
 * only, answers the stage's mean beside the logits; {@link PenalisedLoss} adds it. Evaluation and the saved model
 * are the plain network: the penalty changes the weights, not the architecture. The epochs' "train loss" includes
 * the penalty; their validation loss, computed in evaluation, is the cross-entropy alone.
 */
final class ActivationPenalty {

    private ActivationPenalty() {}

    /**
     * A network built by {@code ResNetBuilder} (a sequence ending in global pooling, flattening and the classifier)
     * that, when training, answers {@code [logits, mean of the last stage's activations]}.
     */
    static final class Net extends AbstractBlock {

        private final SequentialBlock net;

        Net(SequentialBlock net) {
            this.net = addChildBlock("net", net);
        }

        /** The network itself, as saved and served. */
        SequentialBlock network() {
            return net;
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
            List<Block> children = net.getChildren().values();
            int pooling = children.size() - ResNetBuilder.HEAD_BLOCKS;
            NDList x = inputs;
            NDArray stage = null;
            for (int i = 0; i < children.size(); i++) {
                if (i == pooling) {
                    stage = x.singletonOrThrow();
                }
                x = children.get(i).forward(parameterStore, x, training, params);
            }
            return training ? new NDList(x.singletonOrThrow(), stage.mean()) : x;
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return net.getOutputShapes(inputShapes);
        }

        @Override
        protected void initializeChildBlocks(
                ai.djl.ndarray.NDManager manager, DataType dataType, Shape... inputShapes) {
            net.initialize(manager, dataType, inputShapes);
        }
    }

    /** Softmax cross-entropy on the logits, plus {@code weight} times the stage's mean when {@link Net} gives it. */
    static final class PenalisedLoss extends Loss {

        private final Loss crossEntropy = Loss.softmaxCrossEntropyLoss();
        private final float weight;

        PenalisedLoss(float weight) {
            super("SoftmaxCrossEntropyLoss");
            this.weight = weight;
        }

        @Override
        public NDArray evaluate(NDList labels, NDList predictions) {
            NDArray loss = crossEntropy.evaluate(labels, new NDList(predictions.get(0)));
            return predictions.size() > 1 ? loss.add(predictions.get(1).mul(weight)) : loss;
        }
    }
}
