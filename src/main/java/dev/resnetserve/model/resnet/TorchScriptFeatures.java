package dev.resnetserve.model.resnet;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The penultimate features of a TorchScript torchvision ResNet exported by {@code scripts/export-torchvision.py}:
 * its {@value #METHOD} method, {@code [N, size]}. Frozen, no parameters of its own. Either wraps a module already
 * loaded (a fine-tuning job's base) or loads one from a file when its model's parameters are loaded, onto that
 * model's device and into its manager, which frees it.
 */
public final class TorchScriptFeatures extends AbstractBlock {

    /** The method of the exported module that answers the features. */
    public static final String METHOD = "features";

    private static final byte VERSION = 1;

    private final Path file;
    private final long size;
    private PtSymbolBlock module;

    /** Features of {@code module}, already loaded. */
    public TorchScriptFeatures(Block module, long size) {
        super(VERSION);
        this.file = null;
        this.size = size;
        this.module = checked(module);
    }

    /** Features of the module in {@code file}, loaded with the model's parameters. */
    public TorchScriptFeatures(Path file, long size) {
        super(VERSION);
        this.file = file;
        this.size = size;
    }

    /** Whether {@code block} is a TorchScript module with the {@value #METHOD} method. */
    public static boolean hasFeatures(Block block) {
        return block instanceof PtSymbolBlock symbol
                && Arrays.asList(JniUtils.getMethodNames(symbol)).contains(METHOD);
    }

    /** How many features {@code module} answers for an input of {@code height x width}: one forward pass. */
    public static long sizeOf(Block module, NDManager manager, int height, int width) {
        TorchScriptFeatures probe = new TorchScriptFeatures(module, 1);
        try (NDManager scope = manager.newSubManager()) {
            NDList out = probe.forwardInternal(
                    null, new NDList(scope.zeros(new Shape(1, 3, height, width), DataType.FLOAT32)), false, null);
            Shape shape = out.singletonOrThrow().getShape();
            if (shape.dimension() != 2 || shape.get(0) != 1) {
                throw new IllegalArgumentException(
                        "the TorchScript module's " + METHOD + " answers " + shape + ", not [1, features]");
            }
            return shape.get(1);
        }
    }

    private static PtSymbolBlock checked(Block module) {
        if (!hasFeatures(module)) {
            throw new IllegalArgumentException("the TorchScript module has no '" + METHOD
                    + "' method: export it with scripts/export-torchvision.py (README, Pretrained ImageNet models)");
        }
        PtSymbolBlock symbol = (PtSymbolBlock) module;
        JniUtils.enableInferenceMode(symbol);
        return symbol;
    }

    @Override
    public void loadParameters(NDManager manager, DataInputStream is) throws IOException, MalformedModelException {
        if (module == null) {
            module = checked(
                    JniUtils.loadModule((PtNDManager) manager, file, true, new String[0], new String[0], false));
        }
        super.loadParameters(manager, is);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        PtNDArray x = (PtNDArray) inputs.singletonOrThrow();
        boolean gradients = JniUtils.isGradMode();
        JniUtils.setGradMode(false); // frozen: nothing of it is learned
        try (IValue in = IValue.from(x);
                IValue out = IValueUtils.runMethod(module, METHOD, in)) {
            return new NDList(out.toTensor(x.getManager()));
        } finally {
            JniUtils.setGradMode(gradients);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), size)};
    }
}
