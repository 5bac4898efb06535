package dev.resnetserve.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Adam exactly as {@code torch.optim.Adam} (no weight decay, no amsgrad): {@code w -= lr / (1 - b1^t) * m /
 * (sqrt(v) / sqrt(1 - b2^t) + eps)}. DJL's {@code Adam} folds the bias corrections into the learning rate and adds
 * epsilon to the uncorrected {@code sqrt(v)}, which is PyTorch's update with epsilon divided by
 * {@code sqrt(1 - b2^t)} (3.2e-7 instead of 1e-8 at the first step): weights whose gradients are below ~1e-6 then
 * move several times less than in PyTorch. {@code TrainerParityTest} holds this class to PyTorch's numbers.
 */
final class TorchAdam extends Optimizer {

    private final Tracker learningRate;
    private final float beta1 = 0.9f;
    private final float beta2 = 0.999f;
    private final float epsilon = 1e-8f;
    private final Map<String, Map<ai.djl.Device, NDArray>> means = new ConcurrentHashMap<>();
    private final Map<String, Map<ai.djl.Device, NDArray>> variances = new ConcurrentHashMap<>();

    TorchAdam(Tracker learningRate) {
        super(new Builder());
        this.learningRate = learningRate;
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        int t = updateCount(parameterId);
        float lr = learningRate.getNewValue(t);
        double correction1 = 1 - Math.pow(beta1, t);
        double sqrtCorrection2 = Math.sqrt(1 - Math.pow(beta2, t));
        NDArray m = withDefaultState(means, parameterId, weight.getDevice(), k -> weight.zerosLike());
        NDArray v = withDefaultState(variances, parameterId, weight.getDevice(), k -> weight.zerosLike());
        try (var scope = weight.getManager().newSubManager()) {
            // temporaries of the arithmetic below land in scope and are closed with it
            weight.tempAttach(scope);
            grad.tempAttach(scope);
            m.tempAttach(scope);
            v.tempAttach(scope);
            m.muli(beta1).addi(grad.mul(1 - beta1));
            v.muli(beta2).addi(grad.square().muli(1 - beta2));
            NDArray denominator = v.sqrt().divi(sqrtCorrection2).addi(epsilon);
            weight.subi(m.div(denominator).muli(lr / correction1));
        }
        // libtorch accumulates gradients across backward passes: zero the weight's own gradient, as DJL's Adam does
        JniUtils.zeroGrad((PtNDArray) weight);
    }

    private static final class Builder extends Optimizer.OptimizerBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}
