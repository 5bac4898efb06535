package dev.resnetserve.model.resnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The heat-map methods on a loaded model's block, run on the calling thread: the service's workers run them as a
 * queued job ({@code inference.ServedModel}), the localisation experiment directly, so both measure the same code.
 * Which methods a block allows is decided here too:
 *
 * <ul>
 *   <li>a network {@link ResNetBuilder} built (the demo, {@code train}, fine-tuning): Grad-CAM and integrated
 *       gradients, through its blocks;
 *   <li>any TorchScript module on libtorch: integrated gradients, the module run with grad mode on (DJL runs a
 *       module's method without autograd unless asked to train; the module is not switched to training mode);
 *   <li>a TorchScript module exported with the README's recipe, with the methods {@value #FEATURES} (input to the
 *       last residual stage's activations) and {@value #HEAD} (those activations to the logits): Grad-CAM too.
 * </ul>
 *
 * A TorchScript module's parameters are made not to require gradients before its first backward pass (a module
 * loaded by {@code torch.jit.load} keeps {@code requires_grad} as saved, usually on), so that nothing accumulates in
 * its weights; classification runs without autograd whatever the flag says.
 */
public final class HeatMaps {

    /** The recipe's method from the input to the last residual stage's activations {@code [N, K, h, w]}. */
    public static final String FEATURES = "explain_features";

    /** The recipe's method from the last stage's activations to the logits {@code [N, classes]}. */
    public static final String HEAD = "explain_head";

    /** Cells a side of an integrated-gradients map (it has a value per pixel; the map pools them). */
    public static final int ATTRIBUTION_GRID = 16;

    private HeatMaps() {}

    /** Whether Grad-CAM can reach the block's last residual stage. */
    public static boolean supportsGradCam(Block model) {
        Block block = ViewMean.network(model);
        if (block instanceof PtSymbolBlock module) {
            List<String> methods = List.of(JniUtils.getMethodNames(module));
            return methods.contains(FEATURES) && methods.contains(HEAD);
        }
        return GradCam.supports(block);
    }

    /**
     * Whether the block's network pools its last stage by each channel's maximum ({@link GradCam#maxPooled}); a
     * TorchScript module's pooling is not seen (the README's recipe exports torchvision's average pooling).
     */
    public static boolean maxPooled(Block model) {
        return GradCam.maxPooled(ViewMean.network(model));
    }

    /** Whether the block can be run with gradients with respect to its input (integrated gradients). */
    public static boolean supportsInputGradients(Block model) {
        Block block = ViewMean.network(model);
        return block instanceof PtSymbolBlock || GradCam.supports(block);
    }

    /**
     * A Grad-CAM map of {@code input} ({@code [3, H, W]} flattened, {@code shape} its {@code [1, 3, H, W]}).
     *
     * @param target the class to explain; negative: the top-1 class
     */
    public static ClassMap gradCam(Block block, NDManager manager, float[] input, long[] shape, int target) {
        return gradCam(block, manager, input, shape, target, 0, GradCam.Weighting.CHANNEL_MEAN);
    }

    /**
     * A Grad-CAM or HiResCAM map ({@code weighting}) on the residual stage {@code stagesBack} before the last
     * ({@link GradCam#compute(Block, NDManager, float[], long[], int, int, GradCam.Weighting)}), placed where the
     * stage's features are ({@link GradCam#placed}); a TorchScript module's recipe reaches the last stage only. A
     * model with test views ({@link ViewMean}) is explained through its network on the input as it is, for the class of its own answer (the mean over the views) when none is asked for, and
     * the logits given back are that answer's.
     */
    public static ClassMap gradCam(
            Block model,
            NDManager manager,
            float[] input,
            long[] shape,
            int target,
            int stagesBack,
            GradCam.Weighting weighting) {
        if (model instanceof ViewMean) {
            float[] answer = logits(model, manager, List.of(input), new long[] {shape[1], shape[2], shape[3]}, 1)
                    .get(0);
            int chosen = target >= 0 ? target : GradCam.argMax(answer);
            ClassMap map = gradCam(ViewMean.network(model), manager, input, shape, chosen, stagesBack, weighting);
            return new ClassMap(chosen, answer, map.height(), map.width(), map.map());
        }
        ClassMap map;
        if (model instanceof PtSymbolBlock module) {
            if (stagesBack != 0) {
                throw new IllegalArgumentException("a TorchScript module's Grad-CAM reaches its last stage only");
            }
            frozen(module, manager);
            map = GradCam.compute(
                    manager,
                    input,
                    shape,
                    target,
                    x -> method(module, FEATURES, x),
                    a -> method(module, HEAD, a),
                    weighting);
        } else {
            map = GradCam.compute(model, manager, input, shape, target, stagesBack, weighting);
        }
        return GradCam.placed(map, (int) shape[2], (int) shape[3]);
    }

    /** An integrated-gradients map, {@code steps} path points, pooled to {@link #ATTRIBUTION_GRID} cells a side. */
    public static ClassMap integratedGradients(
            Block block, NDManager manager, float[] input, long[] shape, int target, int steps) {
        return integratedGradients(block, manager, input, null, shape, target, steps, ATTRIBUTION_GRID);
    }

    /**
     * An integrated-gradients map pooled to {@code grid} cells a side, the path from {@code baseline} ({@code [3, H,
     * W]} flattened; {@code null}: 0) to the input.
     */
    public static ClassMap integratedGradients(
            Block block,
            NDManager manager,
            float[] input,
            float[] baseline,
            long[] shape,
            int target,
            int steps,
            int grid) {
        IntegratedGradients.Attributions attributions =
                attributions(block, manager, input, baseline, shape, target, steps);
        return IntegratedGradients.map(attributions, (int) shape[2], (int) shape[3], grid);
    }

    /** The signed attribution of every input element, as {@link #integratedGradients} pools them. */
    static IntegratedGradients.Attributions attributions(
            Block block, NDManager manager, float[] input, float[] baseline, long[] shape, int target, int steps) {
        return IntegratedGradients.attributions(
                differentiable(block, manager), manager, input, baseline, shape, target, steps);
    }

    /**
     * The summed gradients of path points {@code from} to {@code from + count - 1} of {@code steps}
     * ({@link IntegratedGradients#pathGradients}), for the block's kind (a network built here or a TorchScript
     * module).
     */
    public static float[] pathGradients(
            Block block,
            NDManager manager,
            float[] input,
            float[] baseline,
            long[] shape,
            int target,
            int from,
            int count,
            int steps) {
        return IntegratedGradients.pathGradients(
                differentiable(block, manager), manager, input, baseline, shape, target, from, count, steps);
    }

    /**
     * The block's forward pass from inputs to logits, recording for autograd when grad mode is on: a TorchScript
     * module's {@code forward} (its parameters frozen first), or the forward pass of a network built here.
     */
    private static UnaryOperator<NDArray> differentiable(Block model, NDManager manager) {
        Block block = ViewMean.network(model);
        if (block instanceof PtSymbolBlock module) {
            frozen(module, manager);
            return x -> method(module, "forward", x);
        }
        return IntegratedGradients.forward(block);
    }

    /**
     * Runs {@code method} of {@code module} on {@code x} with autograd as the thread's grad mode says: DJL's
     * "training" call, which runs the method outside libtorch's inference mode (whose tensors cannot take part in a
     * backward pass) without switching the module to training mode. A method other than {@code forward} is named as
     * DJL's PyTorch engine reads it, by an extra array named {@code module_method:<name>}. The output is in {@code
     * x}'s manager.
     */
    private static NDArray method(PtSymbolBlock module, String method, NDArray x) {
        NDList inputs = new NDList(x);
        if (!"forward".equals(method)) {
            NDArray marker = x.getManager().create(0f);
            marker.setName("module_method:" + method);
            inputs.add(marker);
        }
        NDList out = IValueUtils.forward(module, inputs, true);
        return out.get(out.size() - 1);
    }

    /** Makes sure no parameter of {@code module} requires a gradient (idempotent, a flag per tensor). */
    private static void frozen(PtSymbolBlock module, NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            for (NDArray parameter : JniUtils.moduleGetParams(module, (PtNDManager) scope)) {
                if (JniUtils.requiresGrad((PtNDArray) parameter)) {
                    JniUtils.attachGradient((PtNDArray) parameter, false);
                }
            }
        }
    }

    /**
     * The block's logits for each of {@code inputs} ({@code [3, H, W]} flattened, {@code chw} their shape), without
     * gradients, {@code batch} at a time: the forward passes of an occlusion run outside the service.
     */
    public static List<float[]> logits(Block block, NDManager manager, List<float[]> inputs, long[] chw, int batch) {
        List<float[]> out = new ArrayList<>(inputs.size());
        boolean gradMode = JniUtils.isGradMode();
        try {
            JniUtils.setGradMode(false);
            int size = (int) (chw[0] * chw[1] * chw[2]);
            for (int from = 0; from < inputs.size(); from += batch) {
                int n = Math.min(batch, inputs.size() - from);
                float[] stacked = new float[n * size];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(inputs.get(from + i), 0, stacked, i * size, size);
                }
                try (NDManager scope = manager.newSubManager()) {
                    NDArray x = scope.create(stacked, new Shape(n, chw[0], chw[1], chw[2]));
                    NDList outputs = block.forward(new ParameterStore(scope, false), new NDList(x), false);
                    NDArray logits = outputs.get(outputs.size() - 1);
                    long classes = logits.getShape().get(1);
                    float[] all = logits.toFloatArray();
                    for (int i = 0; i < n; i++) {
                        float[] row = new float[(int) classes];
                        System.arraycopy(all, (int) (i * classes), row, 0, (int) classes);
                        out.add(row);
                    }
                }
            }
            return out;
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }
}
