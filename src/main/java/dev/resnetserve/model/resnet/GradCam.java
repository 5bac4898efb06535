package dev.resnetserve.model.resnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Grad-CAM (Selvaraju et al., 2017) on a network {@link ResNetBuilder} built: the last residual stage's
 * activations {@code A} (shape {@code [K, h, w]}), the gradient of the target class's logit with respect to them,
 * each channel weighted by the spatial mean of its gradient, {@code ReLU(sum_k w_k A_k)}, scaled to 0..1; or
 * HiResCAM (Draelos and Carin, 2020; {@link Weighting#ELEMENTWISE}), each activation times its own gradient,
 * {@code ReLU(sum_k G_k * A_k)}. For a network ending in global pooling and one linear layer HiResCAM is exactly
 * where the logit's evidence lies: with global average pooling the two are the same map; with global max pooling
 * (the demo) the gradient is on each channel's maximum only, so HiResCAM puts each channel's share of the logit,
 * {@code W[c][k] max(A_k)}, at the place of that maximum, where Grad-CAM spreads the channel's whole map.
 *
 * <p>The stages run without gradients; only the head (global pooling, flattening, the classifier) is run with
 * libtorch's grad mode on, from {@code A} marked as requiring a gradient, so the backward pass is three small
 * operators and no weight of the model collects a gradient through the stages. Grad mode is libtorch's per-thread
 * state: it is switched on for the head only and left off, as a serving thread has it. DJL's
 * {@code GradientCollector} is not used: the PyTorch engine allows one collector in the whole process at a time
 * (a static flag), which would make explanations on two workers, or beside a fine-tuning job, fail.
 */
public final class GradCam {

    /** Children at the end of a {@link ResNetBuilder} network after the last stage: pooling, flattening, linear. */
    static final int HEAD_BLOCKS = ResNetBuilder.HEAD_BLOCKS;

    /** The name DJL's {@code Pool.globalMaxPool2dBlock()} gives its block. */
    private static final String MAX_POOL_NAME = "globalMaxPool2d";

    private GradCam() {}

    /** How the activations are weighted by their gradients, and the method's name in requests and reports. */
    public enum Weighting {
        /** Grad-CAM: each channel by the spatial mean of its gradient. */
        CHANNEL_MEAN("grad-cam"),
        /** HiResCAM: each activation by its own gradient. */
        ELEMENTWISE("hires-cam");

        private final String method;

        Weighting(String method) {
            this.method = method;
        }

        /** The weighting of the method named {@code method}, if it is one of these two. */
        public static java.util.Optional<Weighting> ofMethod(String method) {
            return java.util.Arrays.stream(values())
                    .filter(w -> w.method.equals(method))
                    .findFirst();
        }
    }

    /** Whether {@code net} has the layout Grad-CAM needs: a sequence of stages and the three head blocks. */
    public static boolean supports(Block net) {
        return net instanceof SequentialBlock && net.getChildren().size() > HEAD_BLOCKS;
    }

    /**
     * Whether {@code net} (a layout {@link #supports} accepts) pools its last stage by each channel's maximum, as
     * {@code resnet-demo} does: DJL's global max pooling block, by the name DJL gives it. Behind it HiResCAM shows
     * where the logit's evidence lies and Grad-CAM spreads each channel over its whole map (docs/explain.md).
     */
    public static boolean maxPooled(Block net) {
        if (!supports(net)) {
            return false;
        }
        List<Block> children = net.getChildren().values();
        return children.get(children.size() - HEAD_BLOCKS) instanceof LambdaBlock pool
                && pool.getName().equals(MAX_POOL_NAME);
    }

    /** Grad-CAM on the last residual stage. */
    public static ClassMap compute(Block net, NDManager manager, float[] input, long[] shape, int target) {
        return compute(net, manager, input, shape, target, 0, Weighting.CHANNEL_MEAN);
    }

    /**
     * Runs {@code input} ({@code [3, H, W]} flattened, {@code shape} its {@code [1, 3, H, W]}) through {@code net}
     * on this thread, every array in a sub-manager of {@code manager} closed before returning.
     *
     * @param target the class to explain; negative: the top-1 class
     * @param stagesBack whose activations are weighted: 0, the last residual stage's; 1, the stage before it (twice
     *     the resolution: 24x24 instead of 12x12 for the demo at 192 px), and so on; the gradient then flows back
     *     through the later stages as well
     */
    public static ClassMap compute(
            Block net,
            NDManager manager,
            float[] input,
            long[] shape,
            int target,
            int stagesBack,
            Weighting weighting) {
        List<Block> children = new ArrayList<>(net.getChildren().values());
        int cut = cut(children, new Shape(shape), stagesBack);
        return compute(
                manager,
                input,
                shape,
                target,
                x -> run(children.subList(0, cut), x),
                a -> run(children.subList(cut, children.size()), a),
                weighting);
    }

    /**
     * Where to split {@code children} for {@code stagesBack}: after the last child whose output has the resolution
     * of the {@code stagesBack}-th stage before the last (resolutions read from the blocks' output shapes, so the
     * stem and stages of any {@link ResNetBuilder} layout are found without naming them).
     */
    static int cut(List<Block> children, Shape input, int stagesBack) {
        int head = children.size() - HEAD_BLOCKS;
        if (stagesBack == 0) {
            return head;
        }
        long[] side = new long[head];
        Shape[] shapes = {input};
        for (int i = 0; i < head; i++) {
            shapes = children.get(i).getOutputShapes(shapes);
            side[i] = shapes[0].get(shapes[0].dimension() - 1);
        }
        int back = 0;
        for (int i = head - 1; i > 0; i--) {
            if (side[i - 1] != side[i] && ++back == stagesBack) {
                return i;
            }
        }
        throw new IllegalArgumentException("the network has no residual stage " + stagesBack
                + " before its last (resolutions: " + java.util.Arrays.toString(side) + ")");
    }

    private static NDArray run(List<Block> blocks, NDArray x) {
        ParameterStore parameters = new ParameterStore(x.getManager(), false);
        NDArray out = x;
        for (Block block : blocks) {
            out = block.forward(parameters, new NDList(out), false).singletonOrThrow();
        }
        return out;
    }

    /**
     * Grad-CAM of a network given as its two halves: {@code features} from the input ({@code [1, 3, H, W]}) to the
     * last residual stage's activations, run without gradients; {@code head} from those to the logits, run with
     * libtorch's grad mode on. Every array in a sub-manager of {@code manager}, closed before returning; the thread's
     * grad mode as it was.
     */
    static ClassMap compute(
            NDManager manager,
            float[] input,
            long[] shape,
            int target,
            UnaryOperator<NDArray> features,
            UnaryOperator<NDArray> head,
            Weighting weighting) {
        boolean gradMode = JniUtils.isGradMode();
        try (NDManager scope = manager.newSubManager()) {
            JniUtils.setGradMode(false);
            NDArray a = features.apply(scope.create(input, new Shape(shape)));
            JniUtils.setGradMode(true);
            a.setRequiresGradient(true);
            NDArray out = head.apply(a);
            float[] logits = out.toFloatArray();
            int chosen = target >= 0 ? target : argMax(logits);
            NDArray score = out.get(0, chosen);
            JniUtils.backward((PtNDArray) score, (PtNDArray) scope.ones(score.getShape()), false, false);
            JniUtils.setGradMode(false);
            NDArray activations = a.stopGradient().get(0); // [K, h, w]
            NDArray gradients = a.getGradient().get(0);
            long channels = gradients.getShape().get(0);
            NDArray weights = weighting == Weighting.ELEMENTWISE
                    ? gradients
                    : gradients.reshape(channels, -1).mean(new int[] {1}).reshape(channels, 1, 1);
            NDArray cam = activations.mul(weights).sum(new int[] {0}).maximum(0f);
            float max = cam.max().getFloat();
            float[] map = max > 0 ? cam.div(max).toFloatArray() : new float[(int) cam.size()];
            Shape camShape = cam.getShape();
            return new ClassMap(chosen, logits, (int) camShape.get(0), (int) camShape.get(1), map);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** The index of the largest value (the first, if several are). */
    public static int argMax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * {@code map}, a stage's {@code h x w} grid over an input of {@code height x width}, placed where the stage's
     * features are, on a grid of half its cells. A ResNet's convolutions with stride 2 (3x3 with padding 1, 1x1, 7x7
     * with padding 3, its 3x3 max pooling with padding 1) each centre output {@code j} on input {@code 2j}, so feature
     * {@code i} of a stage of stride {@code s} is centred on input pixel {@code s i}, and covers {@code [s i - s/2, s i
     * + s/2)}: half a cell up and to the left of the cell {@code [s i, s i + s)} that an even division of the input
     * would give it. Drawn on the even division, every map lay half a cell down and to the right of what the network
     * saw (measured on the demo: "Does the map point at the object?"). The placed map has cells of {@code s / 2}
     * pixels, {@code ceil(side / (s / 2))} a side; half-cell {@code k} takes feature {@code (k + 1) / 2} (the last
     * feature's own where a side ends past it). The stride is the least power of two whose multiple of the stage's
     * cells covers the input (16 for the demo's 12 cells at 192 px, 32 for a torchvision ResNet's 7 at 224). A map as
     * fine as the input (stride 1) is given back as it is.
     */
    public static ClassMap placed(ClassMap map, int height, int width) {
        int strideY = stride(height, map.height());
        int strideX = stride(width, map.width());
        if (strideY < 2 || strideX < 2) {
            return map;
        }
        int rows = (int) Math.ceil(height / (strideY / 2.0));
        int columns = (int) Math.ceil(width / (strideX / 2.0));
        float[] out = new float[rows * columns];
        for (int k = 0; k < rows; k++) {
            int row = Math.min(map.height() - 1, (k + 1) / 2);
            for (int l = 0; l < columns; l++) {
                int column = Math.min(map.width() - 1, (l + 1) / 2);
                out[k * columns + l] = map.map()[row * map.width() + column];
            }
        }
        return new ClassMap(map.target(), map.logits(), rows, columns, out);
    }

    /** The least power of two {@code s} with {@code s x cells >= side}. */
    static int stride(int side, int cells) {
        int s = 1;
        while ((long) s * cells < side) {
            s *= 2;
        }
        return s;
    }
}
