package dev.resnetserve.model.resnet;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.resnetserve.model.Augmentation;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-time augmentation: a network that answers, for each image of a batch {@code [N, 3, H, W]}, the mean of its
 * class probabilities over the image's {@link Augmentation} views (the mirror image; the eight quarter turns and
 * mirror images), as their log, {@code [N, classes]}: softmax of the answer gives the mean probabilities. The views
 * run one after another, each as a batch of N (the memory a batch takes without views), so an image costs as many
 * passes as it has views. The views are the ones fine-tuning learned from ({@code testViews} of a job,
 * {@code test-views} in the model's descriptor).
 *
 * <p>The parameters are the network's, read and written as the network reads and writes them: the file of a model
 * with test views is the file of the same network without. Explanations by gradients (Grad-CAM, HiResCAM, integrated
 * gradients) explain the {@link #network} on the image as it is ({@link #network(Block)}).
 */
public final class ViewMean extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Block network;
    private final Augmentation views;

    public ViewMean(Block network, Augmentation views) {
        super(VERSION);
        if (views == Augmentation.NONE) {
            throw new IllegalArgumentException("a mean over views needs more than the image alone");
        }
        this.network = addChildBlock("network", network);
        this.views = views;
    }

    /** The network a block answers with on one view: {@code block} itself unless it is a {@link ViewMean}. */
    public static Block network(Block block) {
        return block instanceof ViewMean mean ? mean.network : block;
    }

    /** The views of each image of {@code x} ({@code [N, 3, H, W]}), the image itself first. */
    static List<NDArray> views(NDArray x, Augmentation views) {
        List<NDArray> out = new ArrayList<>(views.views());
        out.add(x);
        out.add(x.flip(3)); // left-right
        if (views == Augmentation.DIHEDRAL) {
            long[] shape = x.getShape().getShape();
            if (shape[2] != shape[3]) {
                throw new IllegalArgumentException(
                        "the quarter turns need a square input, not " + shape[3] + "x" + shape[2]);
            }
            out.add(x.flip(2)); // top-bottom
            out.add(x.flip(2, 3)); // half turn
            NDArray t = x.transpose(0, 1, 3, 2); // the diagonal mirror; with the flips, the quarter turns
            out.add(t);
            out.add(t.flip(3));
            out.add(t.flip(2));
            out.add(t.flip(2, 3));
        }
        return out;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        List<NDArray> answers = new ArrayList<>(views.views());
        for (NDArray view : views(x, views)) { // one view at a time: the memory of the batch alone, not 8 times it
            answers.add(network.forward(parameterStore, new NDList(view), training, params)
                    .singletonOrThrow()
                    .logSoftmax(1));
        }
        NDArray logProbabilities = NDArrays.stack(new NDList(answers)); // [views, N, classes]
        // log of the mean of the probabilities, kept finite: max + log(sum(exp(l - max))) - log(views)
        NDArray max = logProbabilities.max(new int[] {0}, true);
        NDArray mean = logProbabilities
                .sub(max)
                .exp()
                .sum(new int[] {0})
                .log()
                .add(max.squeeze(0))
                .sub((float) Math.log(answers.size()));
        return new NDList(mean);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return network.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        network.initialize(manager, dataType, inputShapes);
    }

    @Override
    public void saveParameters(DataOutputStream os) throws IOException {
        network.saveParameters(os);
    }

    @Override
    public void loadParameters(NDManager manager, DataInputStream is) throws IOException, MalformedModelException {
        network.loadParameters(manager, is);
    }

    @Override
    public String toString() {
        return "ViewMean(" + views.wireName() + ", " + network + ")";
    }
}
