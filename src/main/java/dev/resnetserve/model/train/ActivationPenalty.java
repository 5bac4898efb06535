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
 * A penalty on the last residual stage's activations while training ({@code train --activation-penalty W
 * --activation-penalty-form F}): the loss is softmax cross-entropy plus {@code W} times a {@link Form} of the stage
 * (after its ReLU): its mean (an L1 penalty), the spread of its channels' maps, or the spread of the class
 * activation map of each image's class. Behind global max pooling only each channel's maximum reaches the logits,
 * and nothing else in the network keeps the rest of the map quiet; a class activation map (Grad-CAM's) draws every
 * position of every channel, so a weak response spread over the background becomes part of the map. The penalty
 * asks the network to keep its last stage silent where it does not need it (docs/explain.md, "Grad-CAM and the
 * demo's pooling").
 *
 * <p>The network trains inside {@link Net}, which runs the built network's children in order and, in training
 * only, answers the form's measure beside the logits; {@link PenalisedLoss} adds it. Evaluation and the saved model
 * are the plain network: the penalty changes the weights, not the architecture. The epochs' "train loss" includes
 * the penalty; their validation loss, computed in evaluation, is the cross-entropy alone.
 */
final class ActivationPenalty {

    private ActivationPenalty() {}

    /** What of the last stage's activations {@code [N, C, H, W]} the penalty weighs. */
    enum Form {
        /** Their mean: an L1 penalty, which a network can also meet by scaling the stage down. */
        MEAN {
            @Override
            NDArray of(NDArray stage, NDArray classifier) {
                return stage.mean();
            }
        },
        /**
         * Per image, the channels' summed means over their summed maxima (1 when every position is at its
         * channel's maximum, 1/(H*W) when each channel fires at one position only), averaged over the batch: the
         * same for a stage scaled by any factor, so only a map quiet away from its peaks lowers it.
         */
        SPREAD {
            @Override
            NDArray of(NDArray stage, NDArray classifier) {
                Shape shape = stage.getShape();
                NDArray maps = stage.reshape(shape.get(0), shape.get(1), -1);
                NDArray means = maps.mean(new int[] {2}).sum(new int[] {1});
                NDArray peaks = maps.max(new int[] {2}).sum(new int[] {1}).add(1e-6f);
                return means.div(peaks).mean();
            }
        },
        /**
         * Per image and class, the spread (as {@link #SPREAD}'s) of the class activation map {@code ReLU(sum_k W[c][k]
         * A_k)}, the map Grad-CAM draws behind global pooling, answered {@code [N, classes]}; the loss weighs each
         * image's true class.
         */
        CLASS_MAP {
            @Override
            NDArray of(NDArray stage, NDArray classifier) {
                Shape shape = stage.getShape();
                NDArray weights = classifier.transpose();
                weights.attach(stage.getManager()); // an array made from a parameter lives as long as the model
                NDArray maps = stage.reshape(shape.get(0), shape.get(1), -1)
                        .transpose(0, 2, 1)
                        .matMul(weights)
                        .maximum(0f);
                return maps.mean(new int[] {1}).div(maps.max(new int[] {1}).add(1e-6f));
            }
        };

        /** The form's name on the command line: {@code mean}, {@code spread}, {@code class-map}. */
        String option() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        /**
         * The penalty's measure of {@code stage} ({@code [N, C, H, W]}) behind {@code classifier} ({@code
         * [classes, C]}): a scalar, or {@code [N, classes]} to be read at each image's label.
         */
        abstract NDArray of(NDArray stage, NDArray classifier);
    }

    /**
     * A network built by {@code ResNetBuilder} (a sequence ending in global pooling, flattening and the classifier)
     * that, when training, answers {@code [logits, the form's measure of the last stage]}.
     */
    static final class Net extends AbstractBlock {

        private final SequentialBlock net;
        private final Form form;

        Net(SequentialBlock net, Form form) {
            this.net = addChildBlock("net", net);
            this.form = form;
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
            if (!training) {
                return x;
            }
            Block classifier = children.get(children.size() - 1);
            NDArray weight = parameterStore.getValue(classifier.getParameters().get("weight"), stage.getDevice(), true);
            return new NDList(x.singletonOrThrow(), form.of(stage, weight));
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

    /**
     * Softmax cross-entropy on the logits, plus {@code weight} times the stage's measure when {@link Net} gives it
     * (per class, {@code [N, classes]}: the mean over the batch of each image's own class's).
     */
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
            if (predictions.size() < 2) {
                return loss;
            }
            NDArray penalty = predictions.get(1);
            if (penalty.getShape().dimension() == 2) {
                NDArray label =
                        labels.singletonOrThrow().toType(DataType.INT64, false).reshape(-1, 1);
                penalty = penalty.gather(label, 1).mean();
            }
            return loss.add(penalty.mul(weight));
        }
    }
}
